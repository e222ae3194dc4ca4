import { ConfigReader } from '@backstage/config';
import { hasRuntimeConfig, readRuntimeConfig } from './readRuntimeConfig';

const read = (kubernetes: unknown) =>
  readRuntimeConfig(
    new ConfigReader({ aigcGateway: { runtime: { kubernetes } } } as any),
  );

describe('readRuntimeConfig', () => {
  it('fills the defaults', () => {
    expect(read({ kubeconfig: '/etc/aigc/kubeconfig' })).toEqual({
      kubeconfig: '/etc/aigc/kubeconfig',
      mode: 'pods',
      namespace: 'aigc-gateway',
      createNamespace: false,
      volumeSize: '20Gi',
      snapshotTimeoutSeconds: 600,
      migrationTimeoutSeconds: 1800,
      clusterDomain: 'cluster.local',
      capacityScope: 'cluster',
      stopGracePeriodSeconds: 30,
      startTimeoutSeconds: 900,
      connectTimeoutSeconds: 10,
      endpointOverride: {},
      allowedRegistries: [],
      allowPodSpecPatch: false,
      // On by default: in from labelled pods only, out to DNS and public addresses.
      networkPolicy: {
        from: [
          {
            namespaceSelector: {},
            podSelector: {
              matchLabels: { 'aigc-gateway.io/engine-access': 'true' },
            },
          },
        ],
        egress: expect.arrayContaining([
          { to: [{ ipBlock: expect.objectContaining({ cidr: '0.0.0.0/0' }) }] },
        ]),
      },
    });
    expect(
      read({ kubeconfig: '/etc/aigc/kubeconfig', networkPolicy: false })
        .networkPolicy,
    ).toBe(false);
  });

  it('tells whether the runtime is configured', () => {
    expect(
      hasRuntimeConfig(new ConfigReader({ aigcGateway: { runtime: {} } })),
    ).toBe(false);
    expect(
      hasRuntimeConfig(
        new ConfigReader({
          aigcGateway: { runtime: { kubernetes: { cluster: 'gpu' } } },
        }),
      ),
    ).toBe(true);
  });

  it('needs exactly one way to reach the cluster', () => {
    const message =
      'invalid aigcGateway.runtime.kubernetes configuration: aigcGateway.runtime.kubernetes: give exactly one of "kubeconfig" (a kubeconfig file) or "cluster" (a cluster in kubernetes.clusterLocatorMethods)';
    expect(() => read({})).toThrow(message);
    expect(() => read({ kubeconfig: 'k', cluster: 'c' })).toThrow(message);
    expect(() => read({ cluster: 'c' })).toThrow(
      'aigcGateway.runtime.kubernetes.serviceAccountTokenFile: with "cluster", give "serviceAccountTokenFile": a token of the gateway\'s own service account, not the one the Kubernetes plugin uses',
    );
    expect(() => read({ cluster: 'c', context: 'x' })).toThrow(
      'aigcGateway.runtime.kubernetes.context: "context" selects a context of "kubeconfig", which is not given',
    );
  });

  it('names every bad key', () => {
    expect(() =>
      read({
        cluster: 'c',
        namespace: 'AIGC',
        volumeSize: 'big',
        endpointOverride: { '*': 'nowhere' },
        extra: 1,
      }),
    ).toThrow(
      /aigcGateway.runtime.kubernetes.namespace: must be a DNS label.*aigcGateway.runtime.kubernetes.volumeSize: must be a quantity such as 20Gi.*aigcGateway.runtime.kubernetes.endpointOverride.\*: must be host:port.*Unrecognized key\(s\) in object: 'extra'/,
    );
  });

  describe('ingress', () => {
    const withBackend = (ingress: unknown, backend?: object) =>
      readRuntimeConfig(
        new ConfigReader({
          backend,
          aigcGateway: {
            runtime: {
              kubernetes: {
                cluster: 'c',
                serviceAccountTokenFile: 't',
                ingress,
              },
            },
          },
        } as any),
      ).ingress;

    it('derives the forward-auth and sign-in URLs from backend.baseUrl', () => {
      expect(
        withBackend(
          { host: '${instanceId}.engines.example.com' },
          { baseUrl: 'https://portal.example.com' },
        ),
      ).toEqual({
        host: '${instanceId}.engines.example.com',
        scheme: 'https',
        annotations: {},
        authUrl: 'https://portal.example.com/api/aigc-gateway/forward-auth',
        signInUrl:
          'https://portal.example.com/api/aigc-gateway/ingress/sign-in',
      });
    });

    it('keeps URLs that are given', () => {
      const ingress = withBackend({
        host: 'sd-${instanceId}.example.com',
        authUrl:
          'http://backstage.backstage.svc:7007/api/aigc-gateway/forward-auth',
        signInUrl:
          'https://portal.example.com/api/aigc-gateway/ingress/sign-in',
      });
      expect(ingress?.authUrl).toBe(
        'http://backstage.backstage.svc:7007/api/aigc-gateway/forward-auth',
      );
    });

    it('refuses a host template without the instance id, and missing URLs', () => {
      expect(() =>
        withBackend({ host: 'engines.example.com' }, { baseUrl: 'http://x' }),
      ).toThrow(
        /aigcGateway.runtime.kubernetes.ingress.host: the ingress host template 'engines.example.com' must contain \$\{instanceId\} once/,
      );
      expect(() => withBackend({ host: '${instanceId}.example.com' })).toThrow(
        'ingress needs authUrl and signInUrl, or backend.baseUrl to derive them from',
      );
    });
  });
});
