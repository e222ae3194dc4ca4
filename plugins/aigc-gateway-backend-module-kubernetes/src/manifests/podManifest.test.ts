import { engineVersionSchema } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { pools, startRequest } from '../__testUtils__/fixtures';
import { podManifest } from './podManifest';

const INSTANCE = '0f6c3c52-8a4e-4d0b-9a51-3c2b1f0e7d11';
const VOLUME = '5e0a7a2b-7b0c-4e44-8f7e-2e1d3c4b5a69';
const options = { namespace: 'aigc', stopGracePeriodSeconds: 30 };

describe('podManifest', () => {
  it('runs the version on the pool with its volume claim, labelled for the gateway and Backstage', () => {
    const pool = {
      ...pools.a100,
      gpusPerInstance: 2,
      kubernetes: {
        ...pools.a100.kubernetes,
        tolerations: [
          { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
      },
    };
    const pod = podManifest(startRequest(INSTANCE, VOLUME, pool), options);
    expect(pod.metadata).toEqual({
      name: `aigc-${INSTANCE}`,
      namespace: 'aigc',
      labels: {
        'app.kubernetes.io/managed-by': 'aigc-gateway',
        'aigc-gateway.io/instance': INSTANCE,
        'aigc-gateway.io/template': 'sample-engine',
        'aigc-gateway.io/version': '2.0.0',
        'aigc-gateway.io/pool': 'a100',
        'aigc-gateway.io/volume': VOLUME,
        'aigc-gateway.io/owner-hash': expect.stringMatching(/^[0-9a-f]{16}$/),
        'backstage.io/kubernetes-id': `aigc-instance-${INSTANCE}`,
      },
      annotations: {
        'aigc-gateway.io/version': '2.0.0',
        'aigc-gateway.io/pool-title': 'A100 80G',
      },
    });
    expect(pod.metadata!.labels!['aigc-gateway.io/owner-hash']).not.toContain(
      'alice',
    );
    expect(pod.spec).toEqual({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      nodeSelector: { 'aigc-gateway.io/pool': 'a100' },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      containers: [
        {
          name: 'engine',
          image: 'registry.example.com/aigc/sample-engine:2.0.0',
          args: [
            '--port',
            '7860',
            '--data',
            '/data',
            '--version',
            '2.0.0',
            '--host',
            '0.0.0.0',
          ],
          env: [
            // First, so that $(AIGC_INSTANCE_ID) in later values can refer to it.
            { name: 'AIGC_INSTANCE_ID', value: INSTANCE },
            { name: 'PORT', value: '7860' },
            { name: 'DATA_DIR', value: '/data' },
          ],
          ports: [{ name: 'http', containerPort: 7860, protocol: 'TCP' }],
          readinessProbe: {
            httpGet: { path: '/internal/ping', port: 'http' },
            periodSeconds: 5,
            failureThreshold: 3,
          },
          resources: {
            requests: { 'nvidia.com/gpu': '2' },
            limits: { 'nvidia.com/gpu': '2' },
          },
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
      volumes: [
        {
          name: 'data',
          persistentVolumeClaim: { claimName: `aigc-vol-${VOLUME}` },
        },
      ],
    });
  });

  it('asks a shared-GPU pool for GPU memory', () => {
    const pod = podManifest(
      startRequest(INSTANCE, VOLUME, pools.shared),
      options,
    );
    expect(pod.spec!.containers[0].resources).toEqual({
      requests: { 'aigc-gateway.io/gpu-memory-gib': '24' },
      limits: { 'aigc-gateway.io/gpu-memory-gib': '24' },
    });
  });

  it('substitutes variables in command and env, and merges the pod spec patch', () => {
    const version = engineVersionSchema.parse({
      version: '1.9.4+cu121',
      pools: ['a100'],
      runtime: {
        kubernetes: {
          image: 'registry.example.com/sd-webui:1.9.4',
          command: ['python', 'launch.py'],
          args: ['--listen', '--port=${port}', '--data-dir', '${dataDir}'],
          env: { COMMANDLINE_ARGS: '--api --instance ${instanceId}' },
          port: 7861,
          mountPath: '/workspace',
          podSpecPatch: {
            priorityClassName: 'interactive',
            containers: [
              { name: 'engine', resources: { limits: { memory: '48Gi' } } },
            ],
          },
        },
      },
    });
    const pod = podManifest(
      startRequest(INSTANCE, VOLUME, pools.rtx3090, version),
      options,
    );
    const engine = pod.spec!.containers[0];
    expect(engine.command).toEqual(['python', 'launch.py']);
    expect(engine.args).toEqual([
      '--listen',
      '--port=7861',
      '--data-dir',
      '/workspace',
    ]);
    expect(engine.env![1]).toEqual({
      name: 'COMMANDLINE_ARGS',
      value: `--api --instance ${INSTANCE}`,
    });
    expect(engine.resources!.limits).toEqual({
      'nvidia.com/gpu': '1',
      memory: '48Gi',
    });
    expect(engine.volumeMounts).toEqual([
      { name: 'data', mountPath: '/workspace' },
    ]);
    expect(pod.spec!.priorityClassName).toBe('interactive');
    // A label cannot hold "+"; the annotation keeps the exact version.
    expect(pod.metadata!.labels!['aigc-gateway.io/version']).toBe(
      '1.9.4_cu121',
    );
    expect(pod.metadata!.annotations!['aigc-gateway.io/version']).toBe(
      '1.9.4+cu121',
    );
  });

  it('leaves the owner label out when the owner is not given', () => {
    const request = {
      ...startRequest(INSTANCE, VOLUME, pools.rtx3090),
      ownerRef: undefined,
    };
    expect(podManifest(request, options).metadata!.labels).not.toHaveProperty(
      'aigc-gateway.io/owner-hash',
    );
  });

  it('refuses what cannot become a pod, with the reason', () => {
    const noSpec = engineVersionSchema.parse({
      version: '1.0.0',
      pools: ['a100'],
      runtime: {},
    });
    expect(() =>
      podManifest(startRequest(INSTANCE, VOLUME, pools.a100, noSpec), options),
    ).toThrow('version 1.0.0 of sample-engine has no kubernetes runtime spec');
    expect(() =>
      podManifest(
        startRequest(INSTANCE, VOLUME, { ...pools.a100, gpusPerInstance: 0.5 }),
        options,
      ),
    ).toThrow(
      /pool a100 asks for 0.5 nvidia.com\/gpu, but whole GPUs only count in whole numbers/,
    );
    expect(() =>
      podManifest(
        startRequest(INSTANCE, VOLUME, {
          ...pools.shared,
          gpuMemoryGiB: undefined,
        }),
        options,
      ),
    ).toThrow(
      /pool shared shares GPUs by aigc-gateway.io\/gpu-memory-gib, so it needs a whole gpuMemoryGiB/,
    );
    expect(() =>
      podManifest(startRequest('Not_A_Uuid', VOLUME, pools.a100), options),
    ).toThrow('instance id "Not_A_Uuid" cannot name a Kubernetes object');
  });
});
