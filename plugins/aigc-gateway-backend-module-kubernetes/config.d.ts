export interface Config {
  aigcGateway?: {
    runtime?: {
      /**
       * The Kubernetes runtime: engines as pods on the cluster's GPU nodes.
       * Give exactly one of `kubeconfig` or `cluster`.
       */
      kubernetes?: {
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
        /** Engine pods accept traffic only from these NetworkPolicy peers; no policy when left out. */
        networkPolicy?: { from: Array<{ [key: string]: unknown }> };
        /** How long calls wait for the cluster before failing. Defaults to 10. */
        connectTimeoutSeconds?: number;
        /** host:port to reach an instance at instead of its Service, by instance id or `*`. */
        endpointOverride?: { [instanceId: string]: string };
      };
    };
  };
}
