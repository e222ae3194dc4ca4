import {
  EngineVersion,
  engineVersionSchema,
  GpuPool,
  gpuPoolSchema,
  RuntimeStartRequest,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** The test cluster's three pools (test/kube/README.md). */
export const pools = {
  a100: gpuPoolSchema.parse({
    id: 'a100',
    title: 'A100 80G',
    gpuType: 'A100-80G',
    pricePerHour: 3,
    kubernetes: { nodeSelector: { 'aigc-gateway.io/pool': 'a100' } },
  }),
  rtx3090: gpuPoolSchema.parse({
    id: 'rtx3090',
    title: 'Office RTX 3090',
    gpuType: 'RTX-3090',
    pricePerHour: 0.5,
    kubernetes: { nodeSelector: { 'aigc-gateway.io/pool': 'rtx3090' } },
  }),
  shared: gpuPoolSchema.parse({
    id: 'shared',
    title: 'Shared L40S',
    gpuType: 'L40S-48G',
    gpusPerInstance: 0.5,
    gpuMemoryGiB: 24,
    pricePerHour: 1,
    kubernetes: {
      nodeSelector: { 'aigc-gateway.io/pool': 'shared' },
      gpuMemoryResource: 'aigc-gateway.io/gpu-memory-gib',
    },
  }),
} satisfies Record<string, GpuPool>;

export const sampleVersion: EngineVersion = engineVersionSchema.parse({
  version: '2.0.0',
  pools: ['a100', 'rtx3090', 'shared'],
  runtime: {
    kubernetes: {
      image: 'registry.example.com/aigc/sample-engine:2.0.0',
      args: [
        '--port',
        '${port}',
        '--data',
        '${dataDir}',
        '--version',
        '${version}',
        '--host',
        '0.0.0.0',
      ],
      port: 7860,
      readinessPath: '/internal/ping',
      mountPath: '/data',
    },
  },
});

export function startRequest(
  instanceId: string,
  volumeId: string,
  pool: GpuPool,
  version: EngineVersion = sampleVersion,
  runtimeRef = `aigc-vol-${volumeId}`,
): RuntimeStartRequest {
  return {
    instanceId,
    templateId: 'sample-engine',
    version,
    pool,
    volume: { id: volumeId, runtimeRef },
    ownerRef: 'user:default/alice',
  };
}
