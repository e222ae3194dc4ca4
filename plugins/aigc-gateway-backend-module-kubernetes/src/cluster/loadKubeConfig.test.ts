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

  it('uses the cluster, its CA and its service account token', () => {
    const kc = kubeConfigFromLocator(
      config([
        { name: 'other', url: 'https://x', authProvider: 'serviceAccount' },
        gpu,
      ]),
      'gpu',
    );
    expect(kc.getCurrentCluster()).toMatchObject({
      server: gpu.url,
      caData: gpu.caData,
      skipTLSVerify: false,
    });
    expect(kc.getCurrentUser()).toMatchObject({ token: 'token-1' });
  });

  it("reads the pod's own token when the cluster gives none", () => {
    const dir = mkdtempSync(join(tmpdir(), 'aigc-sa-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'projected');
    const kc = kubeConfigFromLocator(
      config([{ ...gpu, serviceAccountToken: undefined, skipTLSVerify: true }]),
      'gpu',
      tokenFile,
    );
    expect(kc.getCurrentUser()?.authProvider).toEqual({
      name: 'tokenFile',
      config: { tokenFile },
    });
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(true);
  });

  it('says what is wrong with the cluster', () => {
    expect(() => kubeConfigFromLocator(config([gpu]), 'prod')).toThrow(
      'no cluster named "prod" in kubernetes.clusterLocatorMethods (clusters of type config: gpu)',
    );
    expect(() => kubeConfigFromLocator(new ConfigReader({}), 'prod')).toThrow(
      '(clusters of type config: none)',
    );
    expect(() =>
      kubeConfigFromLocator(config([{ ...gpu, authProvider: 'oidc' }]), 'gpu'),
    ).toThrow(
      'cluster "gpu" of kubernetes.clusterLocatorMethods uses authProvider "oidc"; the gateway\'s Kubernetes runtime needs "serviceAccount"',
    );
    expect(() =>
      kubeConfigFromLocator(
        config([{ ...gpu, serviceAccountToken: undefined }]),
        'gpu',
        '/nonexistent/token',
      ),
    ).toThrow(
      'cluster "gpu" of kubernetes.clusterLocatorMethods has no serviceAccountToken and the backend does not run in a pod (no /nonexistent/token)',
    );
  });
});
