/**
 * Backstage's Kubernetes tab on an instance's catalog entity, end to end
 * below the browser: the gateway runs an instance on the test cluster, the
 * catalog module makes its entity, and Backstage's own Kubernetes backend,
 * asked what the tab asks, finds the instance's pod and Service by the
 * entity's `backstage.io/kubernetes-id`.
 *
 * It runs under `node --test` rather than jest: the Kubernetes backend
 * loads `@kubernetes/client-node` with a dynamic import, which jest's module
 * sandbox cannot run (`yarn test:node` in this package).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { toEntities } from '@aigc-gateway/backstage-plugin-catalog-backend-module-aigc-gateway';
import request from 'supertest';
import { kubeConfigFromFile } from './cluster/kubeConfigFromFile';
import { eventually } from './__testUtils__/events';
import { startGatewayOnCluster } from './__testUtils__/gatewayOnCluster';
import { startSampleEngine } from './__testUtils__/sampleEngine';
import { clusterLocator } from './__testUtils__/clusterLocator';
import {
  kubeSkipped,
  startTestCluster,
  TestCluster,
} from './__testUtils__/testCluster';

const alice = mockCredentials.user.header('user:default/alice');
let cluster: TestCluster;
let engine: Awaited<ReturnType<typeof startSampleEngine>>;
let gateway: Awaited<ReturnType<typeof startTestBackend>>;

before(async () => {
  if (kubeSkipped) return;
  cluster = startTestCluster('aigc-k8s-tab-test');
  engine = await startSampleEngine();
  gateway = await startGatewayOnCluster({
    kubeconfig: cluster.kubeconfig,
    namespace: 'aigc-tab-test',
    enginePort: engine.port,
  });
});

after(async () => {
  await gateway?.stop();
  await engine?.stop();
  cluster?.stop();
});

test(
  "the Kubernetes tab of an instance's entity lists its pod and Service",
  { skip: kubeSkipped },
  async () => {
    const api = (method: 'get' | 'post', path: string) =>
      request(gateway.server)
        [method](`/api/aigc-gateway${path}`)
        .set('Authorization', alice);
    const launched = await api('post', '/instances').send({
      templateId: 'sample-engine',
      name: 'k8s-tab',
    });
    assert.equal(launched.status, 201);
    const id: string = launched.body.id;
    const view = await eventually(async () => {
      const body = (await api('get', `/instances/${id}`)).body;
      assert.equal(body.state, 'running');
      return body;
    }, 60_000);
    const entity = toEntities(
      { templates: [], pools: [], instances: [view] },
      {
        location: 'url:http://portal.test/api/aigc-gateway',
        appBaseUrl: 'http://portal.test',
        poolOwner: 'group:default/aigc-admins',
      },
    ).find(e => e.metadata.name === `aigc-instance-${id}`)!;
    assert.equal(
      entity.metadata.annotations?.['backstage.io/kubernetes-id'],
      `aigc-instance-${id}`,
    );

    // The portal's Kubernetes backend reads the cluster as a service account with the `view` role.
    const kubeConfig = kubeConfigFromFile(cluster.kubeconfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: 'default',
      body: { metadata: { name: 'backstage-kubernetes' } },
    });
    await kubeConfig
      .makeApiClient(RbacAuthorizationV1Api)
      .createClusterRoleBinding({
        body: {
          metadata: { name: 'backstage-kubernetes-view' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'view',
          },
          subjects: [
            {
              kind: 'ServiceAccount',
              name: 'backstage-kubernetes',
              namespace: 'default',
            },
          ],
        },
      });
    const token = await eventually(() =>
      core.createNamespacedServiceAccountToken({
        name: 'backstage-kubernetes',
        namespace: 'default',
        body: { spec: { audiences: [] } },
      }),
    );
    const portal = await startTestBackend({
      features: [
        kubernetesPlugin,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              // The test cluster runs no metrics-server.
              ...clusterLocator(kubeConfig, token.status!.token!, {
                skipMetricsLookup: true,
              }),
            },
          },
        }),
      ],
    });
    try {
      // What the tab asks for the entity it is on.
      const res = await request(portal.server)
        .post(`/api/kubernetes/services/${entity.metadata.name}`)
        .set('Authorization', alice)
        .send({ entity });
      assert.equal(res.status, 200, res.text);
      const [found] = res.body.items;
      assert.equal(found.cluster.name, 'gpu-cluster');
      assert.deepEqual(found.errors, []);
      const names = (type: string) =>
        found.resources
          .find((r: { type: string }) => r.type === type)
          .resources.map((o: any) => o.metadata.name);
      assert.deepEqual(names('pods'), [`aigc-${id}`]);
      assert.deepEqual(names('services'), [`aigc-${id}`]);
    } finally {
      await portal.stop();
    }
  },
);
