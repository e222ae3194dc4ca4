import {
  CostDimension,
  CostSummaryResponse,
  EngineTemplateView,
  InstanceView,
  PoolView,
  RolloutView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { AigcGatewayApi } from '../api/AigcGatewayApi';

export const sampleTemplate: EngineTemplateView = {
  id: 'sample-engine',
  title: 'Sample Engine',
  description: 'Draws images from a prompt',
  owner: 'group:default/aigc-admins',
  kind: 'sd-webui',
  versions: [
    {
      version: '1.0.0',
      status: 'deprecated',
      dataLayout: 1,
      pools: ['local'],
      defaultPool: 'local',
    },
    {
      version: '2.0.0',
      status: 'active',
      dataLayout: 2,
      pools: ['local', 'a100'],
      defaultPool: 'local',
    },
  ],
};

export const samplePools: PoolView[] = [
  {
    id: 'local',
    title: 'This machine',
    gpuType: 'none',
    gpusPerInstance: 1,
    pricePerHour: 0.2,
    instancePricePerHour: 0.2,
    currency: 'USD',
    capacity: { total: 4, used: 1, free: 3, queued: 0 },
  },
  {
    id: 'a100',
    title: 'A100 80G',
    gpuType: 'A100-80G',
    gpusPerInstance: 1,
    pricePerHour: 3.2,
    instancePricePerHour: 3.2,
    currency: 'USD',
    capacity: { total: 8, used: 8, free: 0, queued: 2 },
  },
];

/** Canned cost rows per dimension: 12 USD in all. */
const costRows: Partial<Record<CostDimension, CostSummaryResponse['items']>> = {
  user: [
    { key: 'user:default/alice', cost: 9, hours: 4.5, gpuHours: 4.5 },
    { key: 'user:default/bob', cost: 3, hours: 1.5, gpuHours: 1.5 },
  ],
  template: [{ key: 'sample-engine', cost: 12, hours: 6, gpuHours: 6 }],
  instance: [{ key: 'i1', cost: 12, hours: 6, gpuHours: 6 }],
};

const sumOf = (items: CostSummaryResponse['items']) =>
  items.reduce(
    (s, i) => ({
      cost: s.cost + i.cost,
      hours: s.hours + i.hours,
      gpuHours: s.gpuHours + i.gpuHours,
    }),
    {
      cost: 0,
      hours: 0,
      gpuHours: 0,
    },
  );

/** An in-memory AigcGatewayApi for component tests; launches run at once. */
export function fakeGatewayApi(
  overrides: Partial<AigcGatewayApi> = {},
): AigcGatewayApi & {
  instances: InstanceView[];
  rollouts: RolloutView[];
  calls: string[];
} {
  const instances: InstanceView[] = [];
  const rollouts: RolloutView[] = [];
  const calls: string[] = [];
  const find = (id: string) => instances.find(i => i.id === id)!;
  const now = new Date().toISOString();
  return {
    instances,
    rollouts,
    calls,
    listTemplates: async () => [sampleTemplate],
    listPools: async () => samplePools,
    listInstances: async () => instances.filter(i => i.state !== 'deleted'),
    getInstance: async id => find(id),
    launch: async request => {
      calls.push(`launch ${JSON.stringify(request)}`);
      const instance: InstanceView = {
        id: `i${instances.length + 1}`,
        ownerRef: 'user:default/alice',
        templateId: request.templateId,
        version: request.version ?? '2.0.0',
        poolId: request.poolId ?? 'local',
        name: request.name ?? '',
        state: 'running',
        volumeId: 'v1',
        url: `http://backend/api/aigc-gateway/ingress/sign-in?rd=${encodeURIComponent(
          `http://i${instances.length + 1}.localhost:7008/`,
        )}`,
        address: `http://i${instances.length + 1}.localhost:7008/`,
        jobsCompleted: 0,
        createdAt: now,
        updatedAt: now,
      };
      instances.push(instance);
      return instance;
    },
    release: async id => {
      calls.push(`release ${id}`);
      return Object.assign(find(id), { state: 'released' as const });
    },
    relaunch: async id => {
      calls.push(`relaunch ${id}`);
      return Object.assign(find(id), { state: 'running' as const });
    },
    listVersions: async () => [
      {
        templateId: 'sample-engine',
        title: 'Sample Engine',
        versions: [
          {
            ...sampleTemplate.versions[1],
            source: 'api',
            instances: { total: 2, holdingCompute: 1 },
          },
          {
            ...sampleTemplate.versions[0],
            source: 'config',
            instances: { total: 0, holdingCompute: 0 },
          },
        ],
      },
    ],
    setVersionStatus: async (templateId, version, status) => {
      calls.push(`status ${templateId} ${version} ${status}`);
    },
    planRollout: async request => {
      calls.push(`plan ${JSON.stringify(request)}`);
      const {
        templateId,
        from,
        to,
        canaryPercent = 0,
        concurrency = 2,
        force = false,
      } = request;
      const item = (
        name: string,
        ownerRef: string,
        state: InstanceView['state'],
        canary: boolean,
      ) => ({
        instanceId: `id-${name}`,
        name,
        ownerRef,
        state,
        dataLayout: 1,
        migrations: [{ fromLayout: 1, toLayout: 2 }],
        canary,
        when:
          state === 'released'
            ? ('now' as const)
            : ('at its next release' as const),
      });
      return {
        dryRun: true,
        templateId,
        from,
        to,
        canaryPercent,
        concurrency,
        force,
        items: [
          item('a1', 'user:default/alice', 'released', canaryPercent > 0),
          item('b1', 'user:default/bob', 'running', false),
        ],
      };
    },
    startRollout: async request => {
      calls.push(`rollout ${JSON.stringify(request)}`);
      const target = (
        name: string,
        status: RolloutView['targets'][number]['status'],
        detail: string,
      ) => ({
        instanceId: `id-${name}`,
        name,
        ownerRef: `user:default/${name === 'a1' ? 'alice' : 'bob'}`,
        canary: false,
        goal: request.to,
        status,
        attempts: status === 'done' ? 1 : 0,
        detail,
        updatedAt: now,
      });
      const rollout: RolloutView = {
        id: `r${rollouts.length + 1}`,
        templateId: request.templateId,
        from: request.from,
        to: request.to,
        state: 'running',
        canaryPercent: request.canaryPercent ?? 0,
        concurrency: request.concurrency ?? 2,
        force: request.force ?? false,
        createdBy: 'user:default/carol',
        createdAt: now,
        updatedAt: now,
        counts: {
          pending: 0,
          waiting: 1,
          claimed: 0,
          switching: 0,
          done: 1,
          failed: 0,
          skipped: 0,
        },
        targets: [
          target('a1', 'done', `on version ${request.to}`),
          target('b1', 'waiting', 'running; switches at its next release'),
        ],
      };
      rollouts.unshift(rollout);
      return rollout;
    },
    listRollouts: async () => rollouts,
    rolloutAction: async (id, action) => {
      calls.push(`${action} ${id}`);
      const states = {
        pause: 'paused',
        resume: 'running',
        abort: 'aborting',
        rollback: 'rolling-back',
      } as const;
      return Object.assign(rollouts.find(r => r.id === id)!, {
        state: states[action],
      });
    },
    keepAlive: async id => {
      calls.push(`keepalive ${id}`);
    },
    switchVersion: async (id, version) => {
      calls.push(`switch ${id} ${version}`);
      return Object.assign(find(id), { state: 'migrating' as const });
    },
    deleteInstance: async (id, { deleteData }) => {
      calls.push(`delete ${id} deleteData=${deleteData}`);
      Object.assign(find(id), { state: 'deleted' as const });
    },
    authorizeBrowser: async () => {
      calls.push('cookie');
    },
    engineSignInUrl: async address =>
      `http://backend/api/aigc-gateway/ingress/sign-in?rd=${encodeURIComponent(
        address,
      )}&portal=1`,
    costSummary: async query => {
      calls.push(`costSummary ${JSON.stringify(query)}`);
      const items = costRows[query.groupBy] ?? [];
      return {
        currency: 'USD',
        from: query.from ?? '2026-12-01T00:00:00.000Z',
        to: query.to ?? now,
        scope: 'all',
        entityRef: query.entityRef,
        groupBy: query.groupBy,
        total: sumOf(items),
        items,
      };
    },
    costDaily: async query => ({
      currency: 'USD',
      from: query.from ?? '2026-12-01T00:00:00.000Z',
      to: query.to ?? now,
      scope: 'all',
      timeZone: 'UTC',
      days: [
        { day: '2026-12-01', cost: 4, hours: 2, gpuHours: 2 },
        { day: '2026-12-02', cost: 8, hours: 4, gpuHours: 4 },
      ],
    }),
    costExport: async () => new Blob(['interval_id\r\n']),
    costBudgets: async () => ({
      currency: 'USD',
      items: [
        {
          entityRef: 'group:default/creators-a',
          month: '2026-12',
          monthly: 10,
          enforce: true,
          spent: 12,
          percent: 120,
        },
      ],
    }),
    streamEvents: async (id, onEvent) => {
      onEvent({ state: 'starting', message: 'launching', at: now });
      onEvent({ state: find(id).state, message: 'answering', at: now });
    },
    ...overrides,
  };
}
