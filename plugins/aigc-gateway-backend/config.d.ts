export interface Config {
  /** AIGC Gateway: engine templates, their versions and the GPU pools they run on. */
  aigcGateway?: {
    /** ISO 4217 currency of every price, e.g. USD. Defaults to USD. */
    currency?: string;
    /**
     * Groups whose members manage every instance, version and cost, as read by
     * the example portal's permission policy; managing versions and rollouts
     * needs membership in any case (see versionManagement). Defaults to
     * group:default/aigc-admins.
     */
    adminGroups?: string[];
    versionManagement?: {
      /**
       * Whether managing versions and rollouts needs membership of an admin
       * group besides the aigc-gateway.version.manage permission (default
       * true), so a policy that allows everything makes no user an admin.
       * false leaves the decision to the permission alone.
       */
      adminGroupsOnly?: boolean;
    };
    runtime?: {
      /** The local runtime; read by its backend module, which documents it. */
      local?: { [key: string]: unknown };
      /** The Kubernetes runtime; read by its backend module, which documents it. */
      kubernetes?: { [key: string]: unknown };
    };
    /**
     * Where browsers open engines: each instance at an origin of its own,
     * served by a listener of the gateway's, so an engine's pages share no
     * cookie, storage or service worker with the portal or another engine.
     * Not used when the runtime gives instances hosts of its own (the
     * Kubernetes runtime's Ingress mode).
     */
    engineOrigins?: {
      /**
       * Each instance's host, with `${instanceId}` once. Defaults to
       * `${instanceId}.localhost`, which browsers resolve to this
       * machine; in production a wildcard DNS name such as
       * `${instanceId}.example-engines.net` (a domain apart from the portal's) that reaches `port`.
       */
      host?: string;
      /** How browsers reach the hosts: http (default) or https (behind a TLS-terminating load balancer). */
      scheme?: 'http' | 'https';
      /** The port the gateway listens on for engine requests. Defaults to 7008; 0 picks a free one. */
      port?: number;
      /** The interface to listen on; all by default. */
      listenHost?: string;
      /** The port in the URLs browsers use, when not `port` (e.g. 443 behind a load balancer). */
      publicPort?: number;
    };
    /** The path-form proxy, `/api/aigc-gateway/instances/:id/proxy/`, for API clients. */
    pathProxy?: {
      /**
       * Let browsers use it with the portal's cookie. Defaults to false: an
       * engine's pages there share the portal's origin and could act as the
       * portal's user, so only for development. Requests with a token are always served.
       */
      cookie?: boolean;
    };
    /** GPU pools instances are placed in. */
    pools?: Array<{
      /** A lower-case slug, unique among pools. */
      id: string;
      title: string;
      /** GPU model, e.g. A100-80G, RTX-3090, or "none" for CPU-only machines. */
      gpuType: string;
      /** GPUs one instance holds; a fraction for shared-GPU pools. Defaults to 1. */
      gpusPerInstance?: number;
      /** GPU memory one instance holds on a shared GPU, in GiB. */
      gpuMemoryGiB?: number;
      /**
       * Price of one GPU-hour in this pool, in `currency`. An instance pays
       * `gpusPerInstance` times this, so shared-GPU instances pay their fraction.
       */
      pricePerHour: number;
      /**
       * Later prices, each effective from `from` (an ISO 8601 time with offset).
       * A usage interval keeps the price in effect when it started.
       */
      priceChanges?: Array<{ from: string; pricePerHour: number }>;
      /** Concurrent instances the pool holds (local runtime). */
      capacity?: number;
      /** Idle timeout of instances in this pool; overrides `idle.timeoutMinutes`. */
      idleTimeoutMinutes?: number;
      /** When this pool's engines go (in `idle.timeZone`), e.g. weekday nights and weekends. */
      releaseWindows?: Array<{
        /** mon … sun */
        days: Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'>;
        /** HH:MM; defaults to 00:00. A `to` before `from` runs into the next morning. */
        from?: string;
        /** HH:MM; defaults to 24:00. */
        to?: string;
        /** Within the window, an engine idle this long is released. Defaults to 10. */
        graceMinutes?: number;
      }>;
      /** Kubernetes runtime: where the pool's instances go and what they request. */
      kubernetes?: {
        nodeSelector?: { [label: string]: string };
        tolerations?: Array<{ [key: string]: unknown }>;
        /** Whole GPUs, `gpusPerInstance` of them. Defaults to nvidia.com/gpu. */
        gpuResource?: string;
        /** Shared GPUs: GPU memory in GiB, `gpuMemoryGiB` of it. */
        gpuMemoryResource?: string;
      };
    }>;
    /** Limits per user, or for the members of a group together; a launch past one is refused (403) naming it. */
    quotas?: Array<{
      /** user:… or group:… entity ref. */
      entityRef: string;
      /** Instances holding compute at once. */
      maxInstances?: number;
      /** GPUs those instances hold. */
      maxGpus?: number;
      /** Spend this calendar month, in `currency`. */
      monthlySpend?: number;
    }>;
    /** Idle release of running instances. */
    idle?: {
      /** Release after this long without use or work in progress; 0 turns it off. Defaults to 30. */
      timeoutMinutes?: number;
      /** Warn the owner (Backstage notifications) this long before. Defaults to 5. */
      warnMinutesBefore?: number;
      /** Release any instance that has held compute this long, busy or not (an engine's busy report is its own word). */
      maxLifetimeHours?: number;
      /** How often one replica checks. Defaults to 60. */
      checkIntervalSeconds?: number;
      /** The time zone of release windows. Defaults to UTC. */
      timeZone?: string;
    };
    /** Version switches. */
    versionSwitch?: {
      /** A switch whose backend has been silent this long is undone. Defaults to 60. */
      staleAfterSeconds?: number;
    };
    /** Rollouts of versions across instances. */
    rollouts?: {
      /** How often each replica advances the rollouts under way. Defaults to 5. */
      checkIntervalSeconds?: number;
    };
    /** Completed jobs, from the engines' own counters where they keep one. */
    jobs?: {
      /** How often one replica reads the counters of running engines. Defaults to 30. */
      checkIntervalSeconds?: number;
    };
    /** Cost reports and budgets. */
    cost?: {
      /** IANA time zone of daily series and calendar months. Defaults to UTC. */
      timeZone?: string;
      /** Monthly budgets of users and groups. */
      budgets?: Array<{
        /** user:… or group:… entity ref. */
        entityRef: string;
        /** The month's limit, in `currency`. */
        monthly: number;
        /**
         * Refuse new launches once the month's spend reaches the limit, and
         * release the engines its user or group holds `graceMinutes` later
         * (data kept). Defaults to false.
         */
        enforce?: boolean;
        /** With `enforce`: how long engines go on once the budget is used up. Defaults to 15. */
        graceMinutes?: number;
      }>;
      /** Percent of a budget at which its owners are notified. Defaults to [80, 100]. */
      alertThresholds?: number[];
      /** How often budgets are checked for alerts and enforcement. Defaults to 60. */
      checkIntervalSeconds?: number;
    };
    /** Engine templates users may launch. */
    templates?: Array<{
      /** A lower-case slug, unique among templates. */
      id: string;
      title: string;
      description?: string;
      /** An icon name or image URL shown on the template's card. */
      icon?: string;
      /** The owning group, e.g. group:default/aigc-admins. */
      owner: string;
      /**
       * The engine's kind, by which the gateway asks it whether it is busy:
       * SD WebUI's progress, ComfyUI's queue, InvokeAI's session queue,
       * Ollama's loaded models, vLLM's running and waiting requests; for
       * generic-http, `busyProbePath`.
       */
      kind:
        | 'sd-webui'
        | 'comfyui'
        | 'invokeai'
        | 'ollama'
        | 'vllm'
        | 'generic-http';
      /** Idle timeout of this template's instances; overrides the pool's. */
      idleTimeoutMinutes?: number;
      /** When this template's engines go (in `idle.timeZone`). */
      releaseWindows?: Array<{
        /** mon … sun */
        days: Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'>;
        /** HH:MM; defaults to 00:00. A `to` before `from` runs into the next morning. */
        from?: string;
        /** HH:MM; defaults to 24:00. */
        to?: string;
        /** Within the window, an engine idle this long is released. Defaults to 10. */
        graceMinutes?: number;
      }>;
      /**
       * Where the engine says whether it is busy, in place of its kind's own
       * path (answered as the kind's is); for generic-http, JSON with
       * `busy: true` while it works.
       */
      busyProbePath?: string;
      versions: Array<{
        version: string;
        /** Defaults to active. */
        status?: 'active' | 'deprecated' | 'retired';
        /** The version's data layout; switching between layouts runs migrations. */
        dataLayout?: number;
        /** Ids of the pools this version may run in. */
        pools: string[];
        /** The pool chosen when a launch names none; defaults to the first of `pools`. */
        defaultPool?: string;
        runtime?: {
          /**
           * How the local runtime starts the engine: the name of a program
           * declared under `aigcGateway.runtime.local.engines`.
           */
          local?: { engine: string };
          /** How the Kubernetes runtime runs the engine's container. */
          kubernetes?: {
            image: string;
            command?: string[];
            args?: string[];
            env?: { [name: string]: string };
            port?: number;
            readinessPath?: string;
            /** Where the volume is mounted. Defaults to /data. */
            mountPath?: string;
            /** Merged into the pod spec. */
            podSpecPatch?: { [key: string]: unknown };
          };
        };
        /** How to move a volume's data between layouts, run when an instance switches versions. */
        migrations?: Array<{
          fromLayout: number;
          toLayout: number;
          /** The local runtime's migration program, declared under `aigcGateway.runtime.local.engines`. */
          local?: { engine: string };
          /** A Job that mounts the volume. */
          kubernetes?: {
            image: string;
            command?: string[];
            args?: string[];
            env?: { [name: string]: string };
            /** The Job fails after this long; the runtime's migrationTimeoutSeconds by default. */
            timeoutSeconds?: number;
            /** Merged into the Job's pod spec. */
            podSpecPatch?: { [key: string]: unknown };
          };
        }>;
      }>;
    }>;
  };
}
