import type {
  V1ContainerStatus,
  V1Pod,
  V1PodStatus,
} from '@kubernetes/client-node';
import { podPhase } from './podPhase';

function pod(
  status: V1PodStatus,
  options: { node?: string; resource?: string; title?: boolean } = {},
): V1Pod {
  return {
    metadata: {
      name: 'aigc-1',
      labels: { 'aigc-gateway.io/pool': 'rtx3090' },
      annotations:
        options.title === false
          ? {}
          : { 'aigc-gateway.io/pool-title': 'Office RTX 3090' },
    },
    spec: {
      nodeName: options.node,
      containers: [
        {
          name: 'engine',
          image: 'registry.example.com/sd-webui:1.9',
          resources: {
            limits: { [options.resource ?? 'nvidia.com/gpu']: '1' },
          },
        },
      ],
    },
    status,
  };
}

const unschedulable = (message: string) => ({
  phase: 'Pending',
  conditions: [
    { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message },
  ],
});

function onNode(engine: Partial<V1ContainerStatus>, ready = false): V1Pod {
  return pod(
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'engine',
          image: 'registry.example.com/sd-webui:1.9',
          imageID: '',
          ready,
          restartCount: 0,
          ...engine,
        },
      ],
    },
    { node: 'gpu-node-3' },
  );
}

describe('podPhase', () => {
  it('waits for a node before the scheduler has answered', () => {
    expect(podPhase(pod({ phase: 'Pending' }))).toEqual({
      phase: 'scheduling',
      reason: 'waiting for a node in pool Office RTX 3090',
    });
  });

  it('names the pool when the GPUs of its nodes are taken', () => {
    const message =
      "0/8 nodes are available: 4 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector. preemption: 0/8 nodes are available: 4 No preemption victims found for incoming pod.";
    expect(podPhase(pod(unschedulable(message)))).toEqual({
      phase: 'scheduling',
      reason:
        "waiting for a GPU in pool Office RTX 3090 (0/8 nodes are available: 4 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector)",
    });
  });

  it('falls back to the pool id when the pod has no pool title', () => {
    const reason = podPhase(
      pod(
        unschedulable(
          '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
        ),
        { title: false },
      ),
    ).reason;
    expect(reason).toBe(
      'waiting for a GPU in pool rtx3090 (0/4 nodes are available: 4 Insufficient nvidia.com/gpu.)',
    );
  });

  it('says GPU memory for a shared-GPU resource', () => {
    const resource = 'aigc-gateway.io/gpu-memory-gib';
    const status = unschedulable(
      `0/8 nodes are available: 2 Insufficient ${resource}, 6 node(s) didn't match.`,
    );
    expect(podPhase(pod(status, { resource })).reason).toMatch(
      /^waiting for GPU memory in pool Office RTX 3090 \(/,
    );
  });

  it('waits for the volume, or names another scheduling problem', () => {
    expect(
      podPhase(
        pod(
          unschedulable(
            '0/8 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
          ),
        ),
      ),
    ).toEqual({
      phase: 'scheduling',
      reason:
        'waiting for the data volume to be bound (0/8 nodes are available: pod has unbound immediate PersistentVolumeClaims.)',
    });
    expect(
      podPhase(
        pod(
          unschedulable(
            "0/8 nodes are available: 8 node(s) didn't match Pod's node affinity/selector.",
          ),
        ),
      ),
    ).toEqual({
      phase: 'scheduling',
      reason:
        "cannot be placed in pool Office RTX 3090 yet (0/8 nodes are available: 8 node(s) didn't match Pod's node affinity/selector.)",
    });
  });

  it('is pulling while the kubelet prepares the container', () => {
    const pulling = {
      phase: 'pulling',
      reason: 'pulling registry.example.com/sd-webui:1.9 on gpu-node-3',
    };
    expect(podPhase(pod({ phase: 'Pending' }, { node: 'gpu-node-3' }))).toEqual(
      pulling,
    );
    expect(
      podPhase(onNode({ state: { waiting: { reason: 'ContainerCreating' } } })),
    ).toEqual(pulling);
  });

  it('keeps pulling, with the error, while an image pull fails', () => {
    const phase = podPhase(
      onNode({
        state: {
          waiting: {
            reason: 'ImagePullBackOff',
            message:
              'Back-off pulling image "registry.example.com/sd-webui:1.9"',
          },
        },
      }),
    );
    expect(phase).toEqual({
      phase: 'pulling',
      reason:
        'cannot pull registry.example.com/sd-webui:1.9 on gpu-node-3 yet (ImagePullBackOff): Back-off pulling image "registry.example.com/sd-webui:1.9"',
    });
  });

  it('is starting while the engine runs but is not ready, then ready', () => {
    const running = { running: { startedAt: new Date() } };
    expect(podPhase(onNode({ state: running }))).toEqual({
      phase: 'starting',
      reason: 'the engine is starting on gpu-node-3',
    });
    expect(podPhase(onNode({ state: running }, true))).toEqual({
      phase: 'ready',
      reason: 'ready on gpu-node-3',
    });
  });

  it('crashes with the exit of the engine', () => {
    expect(
      podPhase(
        onNode({
          state: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              message: 'CUDA error: out of memory\n',
            },
          },
        }),
      ),
    ).toEqual({
      phase: 'crashed',
      reason:
        'the engine exited with code 1 (Error): CUDA error: out of memory',
    });
  });

  it('crashes with the last exit when the engine keeps crashing', () => {
    const phase = podPhase(
      onNode({
        restartCount: 3,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: 'back-off 40s restarting failed container',
          },
        },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
      }),
    );
    expect(phase).toEqual({
      phase: 'crashed',
      reason:
        'the engine keeps crashing (restarted 3 times): exited with code 137 (OOMKilled)',
    });
  });

  it('crashes when the container cannot be created', () => {
    expect(
      podPhase(
        onNode({
          state: {
            waiting: {
              reason: 'InvalidImageName',
              message: 'couldn\'t parse image name "Bad:Image"',
            },
          },
        }),
      ),
    ).toEqual({
      phase: 'crashed',
      reason:
        'the engine cannot start (InvalidImageName): couldn\'t parse image name "Bad:Image"',
    });
  });

  it('crashes with the reason of a failed pod', () => {
    const evicted = pod(
      {
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: memory.',
      },
      { node: 'gpu-node-3' },
    );
    expect(podPhase(evicted)).toEqual({
      phase: 'crashed',
      reason: 'Evicted: The node was low on resource: memory.',
    });
  });
});
