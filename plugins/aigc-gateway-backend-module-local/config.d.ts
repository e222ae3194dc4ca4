export interface Config {
  aigcGateway?: {
    runtime?: {
      /**
       * The local runtime: engines as child processes of the backend's host.
       * The module runs engines only when this section is present.
       */
      local?: {
        /** Volumes, logs and process records. Defaults to .aigc-gateway. */
        dataRoot?: string;
        /** Working directory of engine commands. Defaults to the backend's. */
        workDir?: string;
        /** Host ports handed to engines with sandbox mode none. Defaults to 17860-17999. */
        ports?: { from: number; to: number };
        /** Readiness and liveness probe interval. Defaults to 1000. */
        probeIntervalMs?: number;
        /** A start not ready by then fails. Defaults to 120000. */
        startTimeoutMs?: number;
        /**
         * The programs installed on this host that versions may name (by
         * key) in `runtime.local.engine` and migrations in `local.engine`.
         * Only config says what the host runs: versions created through the
         * API or a template name one of these, never a command line.
         */
        engines?: {
          [name: string]: {
            /**
             * `$${node}` (the backend's Node), `$${port}`, `$${dataDir}`,
             * `$${version}`, `$${instanceId}`, and for migrations
             * `$${fromLayout}` and `$${toLayout}`, are filled in.
             */
            command: string;
            args?: string[];
            env?: { [name: string]: string };
            /** HTTP path that answers 2xx when the engine is ready. Defaults to /. */
            readinessPath?: string;
            /**
             * Where the program is installed (relative to workDir, or
             * absolute): what its sandbox shows of the host, read-only,
             * besides the system's folders, its command and the backend's Node.
             */
            paths?: string[];
          };
        };
        /** How engines and migrations are contained. */
        sandbox?: {
          /**
           * `bubblewrap` (default): each in namespaces of its own, seeing only
           * its volume (at /data), its install and the system's files, with
           * no network but its own loopback. `none`: as the backend's user,
           * uncontained.
           */
          mode?: 'bubblewrap' | 'none';
          /** The bubblewrap program. Defaults to bwrap. */
          bwrap?: string;
          /** More host paths every engine sees read-only (absolute). */
          readOnlyPaths?: string[];
          /** Devices engines get, e.g. /dev/nvidia0, /dev/nvidiactl, /dev/nvidia-uvm. */
          devices?: string[];
        };
      };
    };
  };
}
