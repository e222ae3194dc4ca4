export interface Config {
  aigcGateway?: {
    runtime?: {
      /**
       * The Kubernetes runtime: engines as pods on the cluster's GPU nodes.
       * Give exactly one of `kubeconfig` or `cluster`.
       */
      kubernetes?: {
        /** pods (default): a pod per instance; openkruise-game: a GameServer of a GameServerSet per engine version and pool. */
        mode?: 'pods' | 'openkruise-game';
        /** Where instances' pods, services and volume claims live. Defaults to aigc-gateway. */
        namespace?: string;
        /** Creates the namespace when it is missing. Defaults to false. */
        createNamespace?: boolean;
        /** A kubeconfig file. */
        kubeconfig?: string;
        /** A context of the kubeconfig; its current context when left out. */
        context?: string;
        /** The name of a cluster in kubernetes.clusterLocatorMethods (type config, authProvider serviceAccount). */
        cluster?: string;
        /** Storage class of volume claims; the cluster's default when left out. */
        storageClass?: string;
        /** VolumeSnapshotClass of the copy taken before a migration; without one, migrations must be reversible. */
        snapshotClass?: string;
        /** How long a snapshot may take to become ready. Defaults to 600. */
        snapshotTimeoutSeconds?: number;
        /** How long a migration Job may run, unless the migration says. Defaults to 1800. */
        migrationTimeoutSeconds?: number;
        /** Size of each data volume. Defaults to 20Gi. */
        volumeSize?: string;
        /** DNS domain of Services. Defaults to cluster.local. */
        clusterDomain?: string;
        /** Which pods count against pool capacity: cluster (default) or namespace. */
        capacityScope?: 'cluster' | 'namespace';
        /** Grace period of an engine's pod on stop. Defaults to 30. */
        stopGracePeriodSeconds?: number;
        /** How long an engine on a node may pull its image and start before it counts as crashed. Defaults to 900. */
        startTimeoutSeconds?: number;
        /** An Ingress per instance at its own host, opened to its owner by the gateway's forward-auth. */
        ingress?: {
          /** Each instance's host; contains $${instanceId} once, e.g. $${instanceId}.engines.example.com. */
          host: string;
          /** https (default) or http. */
          scheme?: 'https' | 'http';
          /** The IngressClass; the cluster's default when left out. */
          className?: string;
          /** A TLS secret for the hosts. */
          tlsSecretName?: string;
          /** Where the ingress controller reaches /api/aigc-gateway/forward-auth; from backend.baseUrl when left out. */
          authUrl?: string;
          /** Where browsers sign in to an engine's host; from backend.baseUrl when left out. */
          signInUrl?: string;
          /** Added to each Ingress, replacing the nginx ones of the same name. */
          annotations?: { [name: string]: string };
        };
        /**
         * The engines' NetworkPolicy, kept by the runtime in its namespace;
         * `false` for none.
         */
        networkPolicy?:
          | false
          | {
              /**
               * Peers that may reach engine pods; nothing else may. Defaults to
               * pods labelled `aigc-gateway.io/engine-access: "true"` in any
               * namespace (label the backend's and the ingress controller's).
               */
              from?: Array<{ [key: string]: unknown }>;
              /** Where engine pods may connect. Defaults to DNS and public addresses. */
              egress?: Array<{ [key: string]: unknown }>;
            };
        /** How long calls wait for the cluster before failing. Defaults to 10. */
        connectTimeoutSeconds?: number;
        /** host:port to reach an instance at instead of its Service, by instance id or `*`. */
        endpointOverride?: { [instanceId: string]: string };
      };
    };
  };
}
