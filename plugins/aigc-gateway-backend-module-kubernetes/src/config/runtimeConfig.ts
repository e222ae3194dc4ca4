import { z } from 'zod';
import {
  ingressHostTemplateProblem,
  configNumber,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be a DNS label (a-z, 0-9 and inner dashes, at most 63 characters)',
  );

/** A storage size as Kubernetes writes it, e.g. 20Gi or 500Mi. */
const quantity = z
  .string()
  .regex(
    /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/,
    'must be a quantity such as 20Gi',
  );

/** `host:port`, where the gateway proxy reaches an engine instead of its Service. */
const hostPort = z
  .string()
  .regex(/^[^:\s]+:[0-9]{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7860');

/** The label that lets a pod (the backend's, the ingress controller's) reach engine pods unless `networkPolicy.from` says otherwise. */
export const ENGINE_ACCESS_LABEL = 'aigc-gateway.io/engine-access';

/** Engine pods' peers unless configured: pods of any namespace with the engine-access label. */
const DEFAULT_FROM: Array<Record<string, unknown>> = [
  {
    namespaceSelector: {},
    podSelector: { matchLabels: { [ENGINE_ACCESS_LABEL]: 'true' } },
  },
];

/** Engine pods' egress unless configured: DNS, and public addresses only. */
const DEFAULT_EGRESS: Array<Record<string, unknown>> = [
  {
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  },
  {
    to: [
      {
        ipBlock: {
          cidr: '0.0.0.0/0',
          except: [
            '10.0.0.0/8',
            '172.16.0.0/12',
            '192.168.0.0/16',
            '100.64.0.0/10',
            '169.254.0.0/16',
            '127.0.0.0/8',
          ],
        },
      },
    ],
  },
];

/**
 * `aigcGateway.runtime.kubernetes`: where engines run and how the gateway
 * reaches the cluster, either through a kubeconfig file or through a cluster
 * of Backstage's own `kubernetes.clusterLocatorMethods`.
 */
export const kubernetesRuntimeConfigSchema = z
  .object({
    /**
     * `pods`: a pod per instance, with a claim per data volume.
     * `openkruise-game`: each engine version of a pool is an OpenKruiseGame
     * GameServerSet, and an instance one GameServer of it.
     */
    mode: z.enum(['pods', 'openkruise-game']).default('pods'),
    /** Where instances' pods, services and volume claims live. */
    namespace: dnsLabel.default('aigc-gateway'),
    /** Creates the namespace when it is missing (needs the right to create namespaces). */
    createNamespace: z.boolean().default(false),
    /** A kubeconfig file, as an alternative to `cluster`. */
    kubeconfig: z.string().min(1).optional(),
    /** A context of that kubeconfig; its current context when left out. */
    context: z.string().min(1).optional(),
    /** The name of a cluster in `kubernetes.clusterLocatorMethods` (type `config`). */
    cluster: z.string().min(1).optional(),
    /**
     * With `cluster`: a token of the gateway's own service account. The
     * Kubernetes plugin serves `/api/kubernetes/proxy` with the cluster's
     * token (or the pod's own), so the runtime never uses those.
     */
    serviceAccountTokenFile: z.string().min(1).optional(),
    /** The storage class of volume claims; the cluster's default class when left out. */
    storageClass: z.string().min(1).optional(),
    /**
     * The VolumeSnapshotClass of the copy taken before a version switch
     * migrates a volume. Without one, only migrations with a declared
     * reverse run, and a failed one is undone by running the reverses.
     */
    snapshotClass: z.string().min(1).optional(),
    /** How long a snapshot may take to become ready to use. */
    snapshotTimeoutSeconds: configNumber(z.number().int().min(1)).default(600),
    /** How long a migration Job may run, unless the migration says otherwise. */
    migrationTimeoutSeconds: configNumber(z.number().int().min(1)).default(
      1800,
    ),
    /** The size each data volume asks for. */
    volumeSize: quantity.default('20Gi'),
    /** The cluster's DNS domain, for Service host names. */
    clusterDomain: z.string().min(1).default('cluster.local'),
    /**
     * Which pods count against pool capacity: `cluster` watches the pods of
     * every namespace, so GPUs taken by other workloads are seen;
     * `namespace` watches only the gateway's namespace (fewer rights, but
     * other workloads on the GPU nodes are not seen).
     */
    capacityScope: z.enum(['cluster', 'namespace']).default('cluster'),
    /**
     * How long an engine may take, once on a node, to pull its image and
     * answer its readiness probe; after that it counts as crashed and its GPU
     * is freed.
     */
    startTimeoutSeconds: configNumber(z.number().int().min(1)).default(900),
    /** The pod's grace period on stop; `stop` waits this long plus a margin for the pod to go. */
    stopGracePeriodSeconds: configNumber(
      z.number().int().min(0).max(3600),
    ).default(30),
    /**
     * Registries (such as registry.example.com or docker.io) whose images
     * versions created through the API or a template may run; none when left
     * out. Versions in config are not limited.
     */
    allowedRegistries: z.array(z.string().min(1)).default([]),
    /** Whether versions created through the API may carry a podSpecPatch (default false). */
    allowPodSpecPatch: z.boolean().default(false),
    /**
     * The engines' NetworkPolicy, on unless `false`: traffic in only from
     * `from`, out only as `egress` allows.
     */
    networkPolicy: z
      .union([
        z.literal(false),
        z
          .object({
            /** NetworkPolicy peers that may reach engine pods; by default pods labelled `aigc-gateway.io/engine-access: "true"`. */
            from: z
              .array(z.record(z.unknown()))
              .min(1, "name at least one peer, e.g. the backend's namespace")
              .default(DEFAULT_FROM),
            /**
             * Where engine pods may connect (NetworkPolicy egress rules). By
             * default DNS, and the internet but no private, carrier-grade NAT
             * or link-local address: not the cluster's services, not the
             * portal, not a cloud's metadata endpoint.
             */
            egress: z.array(z.record(z.unknown())).default(DEFAULT_EGRESS),
          })
          .strict(),
      ])
      .default({}),
    /**
     * An Ingress per instance at its own host, which the gateway's
     * forward-auth endpoint opens to the instance's owner only.
     */
    ingress: z
      .object({
        /** Each instance's host, e.g. `${instanceId}.engines.example.com` (a wildcard DNS name). */
        host: z.string().superRefine((template, ctx) => {
          const problem = ingressHostTemplateProblem(template);
          if (problem)
            ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
        }),
        /** How browsers reach the hosts. */
        scheme: z.enum(['https', 'http']).default('https'),
        /** The IngressClass; the cluster's default class when left out. */
        className: z.string().min(1).optional(),
        /** A TLS secret for the hosts (e.g. a wildcard certificate); the controller's default when left out. */
        tlsSecretName: z.string().min(1).optional(),
        /** Where the ingress controller reaches `/forward-auth`; from `backend.baseUrl` when left out. */
        authUrl: z.string().url().optional(),
        /** Where browsers sign in to an engine's host; from `backend.baseUrl` when left out. */
        signInUrl: z.string().url().optional(),
        /** Annotations added to each Ingress, replacing the nginx ones of the same name. */
        annotations: z.record(z.string()).default({}),
      })
      .strict()
      .optional(),
    /** How long calls wait for the first connection to the cluster before they fail. */
    connectTimeoutSeconds: configNumber(
      z.number().int().min(1).max(600),
    ).default(10),
    /**
     * Where the gateway proxy sends an instance's traffic instead of its
     * Service, by instance id, or `*` for every instance: for a gateway that
     * runs outside the cluster, and for tests.
     */
    endpointOverride: z.record(hostPort).default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (Boolean(c.kubeconfig) === Boolean(c.cluster)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [],
        message:
          'give exactly one of "kubeconfig" (a kubeconfig file) or "cluster" (a cluster in kubernetes.clusterLocatorMethods)',
      });
    }
    if (c.cluster && !c.serviceAccountTokenFile) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['serviceAccountTokenFile'],
        message:
          'with "cluster", give "serviceAccountTokenFile": a token of the gateway\'s own service account, not the one the Kubernetes plugin uses',
      });
    }
    if (c.context && !c.kubeconfig) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['context'],
        message:
          '"context" selects a context of "kubeconfig", which is not given',
      });
    }
  });

type ParsedRuntimeConfig = z.infer<typeof kubernetesRuntimeConfigSchema>;

/** The ingress settings once the URLs left out are derived from `backend.baseUrl`. */
export type IngressSettings = NonNullable<ParsedRuntimeConfig['ingress']> & {
  authUrl: string;
  signInUrl: string;
};

/** @public */
export type KubernetesRuntimeConfig = Omit<ParsedRuntimeConfig, 'ingress'> & {
  ingress?: IngressSettings;
};
