import type { V1Pod } from '@kubernetes/client-node';
import { StartDeadlines } from './startDeadline';

const pod = (
  waiting: { reason: string; message?: string } | undefined,
  ready = false,
  uid = 'u-1',
): V1Pod => ({
  metadata: { name: 'aigc-x', uid },
  spec: { nodeName: 'gpu-1', containers: [{ name: 'engine', image: 'sd:1' }] },
  status: {
    phase: waiting ? 'Pending' : 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: ready ? 'True' : 'False' },
    ],
    containerStatuses: [
      {
        name: 'engine',
        image: 'sd:1',
        imageID: '',
        ready,
        restartCount: 0,
        state: waiting ? { waiting } : { running: {} },
      },
    ],
  },
});

describe('StartDeadlines', () => {
  let elapsed = 0;
  const deadlines = () => new StartDeadlines(600_000, () => elapsed);
  beforeEach(() => {
    elapsed = 1_000;
  });

  it('lets a pod pull and start until the deadline, counted from when it was first seen placed', () => {
    const d = deadlines();
    expect(
      d.phase(pod({ reason: 'ImagePullBackOff', message: 'not found' })).phase,
    ).toBe('pulling');
    elapsed += 599_000;
    expect(
      d.phase(pod({ reason: 'ImagePullBackOff', message: 'not found' })).phase,
    ).toBe('pulling');
    expect(d.phase(pod(undefined)).phase).toBe('starting');
  });

  it('calls a pod still pulling or starting after the deadline crashed, with where it was stuck', () => {
    const d = deadlines();
    d.phase(pod({ reason: 'ImagePullBackOff', message: 'manifest unknown' }));
    elapsed += 600_000;
    expect(
      d.phase(pod({ reason: 'ImagePullBackOff', message: 'manifest unknown' })),
    ).toEqual({
      phase: 'crashed',
      reason:
        'the engine was not ready 600 s after it was placed on gpu-1: cannot pull sd:1 on gpu-1 yet (ImagePullBackOff): manifest unknown',
    });
    expect(d.phase(pod(undefined)).reason).toBe(
      'the engine was not ready 600 s after it was placed on gpu-1: the engine is starting on gpu-1',
    );
  });

  it('leaves ready pods and pods waiting for a GPU alone, and measures each pod on its own', () => {
    const d = deadlines();
    d.phase(pod(undefined));
    elapsed += 9_999_000;
    expect(d.phase(pod(undefined, true)).phase).toBe('ready');
    // Ready resets the pod's clock; a new pod starts its own.
    expect(d.phase(pod(undefined)).phase).toBe('starting');
    expect(d.phase(pod(undefined, false, 'u-2')).phase).toBe('starting');
    const waiting: V1Pod = {
      metadata: { uid: 'u-3' },
      spec: { containers: [{ name: 'engine' }] },
      status: { phase: 'Pending' },
    };
    expect(d.phase(waiting).phase).toBe('scheduling');
    elapsed += 9_999_000;
    expect(d.phase(waiting).phase).toBe('scheduling');
  });

  it('does not depend on the cluster clock: timestamps far in the past or future change nothing', () => {
    const d = deadlines();
    const skewed = pod(undefined);
    skewed.metadata!.creationTimestamp = new Date('1999-01-01T00:00:00Z');
    skewed.status!.conditions![0].lastTransitionTime = new Date(
      '2099-01-01T00:00:00Z',
    );
    expect(d.phase(skewed).phase).toBe('starting');
    elapsed += 599_000;
    expect(d.phase(skewed).phase).toBe('starting');
  });
});
