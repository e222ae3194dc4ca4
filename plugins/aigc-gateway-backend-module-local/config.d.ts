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
        /** Ports handed to engines. Defaults to 17860-17999. */
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
          };
        };
      };
    };
  };
}
