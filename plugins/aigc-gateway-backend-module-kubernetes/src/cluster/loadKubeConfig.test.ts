import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { kubeConfigFromFile } from './kubeConfigFromFile';
import { kubeConfigFromLocator } from './kubeConfigFromLocator';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: gpu
  cluster: { server: 'https://gpu.example.com:6443', insecure-skip-tls-verify: true }
users:
- name: gateway
  user: { token: abc }
contexts:
- name: gpu-admin
  context: { cluster: gpu, user: gateway }
- name: broken
  context: { cluster: missing, user: gateway }
current-context: gpu-admin
`;

describe('kubeConfigFromFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aigc-kubeconfig-'));
  const file = join(dir, 'kubeconfig.yaml');
  writeFileSync(file, KUBECONFIG);

  it('reads the current or the given context', () => {
    expect(kubeConfigFromFile(file).getCurrentCluster()?.server).toBe(
      'https://gpu.example.com:6443',
    );
    expect(kubeConfigFromFile(file, 'gpu-admin').getCurrentContext()).toBe(
      'gpu-admin',
    );
  });

  it('says what is wrong with the file or the context', () => {
    expect(() => kubeConfigFromFile(join(dir, 'missing.yaml'))).toThrow(
      `no kubeconfig file at ${join(dir, 'missing.yaml')}`,
    );
    expect(() => kubeConfigFromFile(file, 'prod')).toThrow(
      `the kubeconfig ${file} has no context "prod" (its contexts: gpu-admin, broken)`,
    );
    expect(() => kubeConfigFromFile(file, 'broken')).toThrow(
      `the kubeconfig ${file} names no cluster for context "broken"`,
    );
    const garbage = join(dir, 'garbage.yaml');
    writeFileSync(garbage, 'clusters: [');
    expect(() => kubeConfigFromFile(garbage)).toThrow(
      `could not read the kubeconfig ${garbage}:`,
    );
  });
});

describe('kubeConfigFromLocator', () => {
  const config = (clusters: object[]) =>
    new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'catalog' },
          { type: 'config', clusters },
        ],
      },
    } as any);
  const gpu = {
    name: 'gpu',
    url: 'https://gpu.example.com:6443',
    authProvider: 'serviceAccount',
    serviceAccountToken: 'token-1',
    caData: 'LS0tLS1CRUdJTg==',
  };

  /** A token file of the gateway's own service account. */
  const ownToken = (content = 'gateway-own') => {
    const file = join(mkdtempSync(join(tmpdir(), 'aigc-sa-')), 'token');
    writeFileSync(file, content);
    return file;
  };

  it("uses the cluster's URL and CA with the gateway's own token, re-read as it rotates", () => {
    const tokenFile = ownToken();
    const kc = kubeConfigFromLocator(
      config([
        { name: 'other', url: 'https://x', authProvider: 'serviceAccount' },
        { ...gpu, skipTLSVerify: true },
      ]),
      'gpu',
      tokenFile,
    );
    expect(kc.getCurrentCluster()).toMatchObject({
      server: gpu.url,
      caData: gpu.caData,
      skipTLSVerify: true,
    });
    expect(kc.getCurrentUser()?.authProvider).toEqual({
      name: 'tokenFile',
      config: { tokenFile },
    });
    expect(kc.getCurrentUser()?.token).toBeUndefined();
  });

  it('refuses the credentials the Kubernetes plugin proxies with, and says what is wrong with the cluster', () => {
    expect(() =>
      kubeConfigFromLocator(config([gpu]), 'gpu', ownToken('token-1')),
    ).toThrow(
      'serviceAccountTokenFile holds the serviceAccountToken of cluster "gpu" of kubernetes.clusterLocatorMethods, which the Kubernetes plugin serves through /api/kubernetes/proxy; give the runtime a service account of its own',
    );
    expect(() =>
      kubeConfigFromLocator(
        config([gpu]),
        'gpu',
        '/var/run/secrets/kubernetes.io/serviceaccount/token',
      ),
    ).toThrow("serviceAccountTokenFile is the pod's own token");
    expect(() =>
      kubeConfigFromLocator(config([gpu]), 'gpu', '/nonexistent/token'),
    ).toThrow('serviceAccountTokenFile /nonexistent/token does not exist');
    expect(() =>
      kubeConfigFromLocator(config([gpu]), 'prod', ownToken()),
    ).toThrow(
      'no cluster named "prod" in kubernetes.clusterLocatorMethods (clusters of type config: gpu)',
    );
    expect(() =>
      kubeConfigFromLocator(new ConfigReader({}), 'prod', ownToken()),
    ).toThrow('(clusters of type config: none)');
  });
});
