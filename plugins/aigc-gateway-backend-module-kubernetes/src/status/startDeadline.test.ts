import type { V1Pod } from '@kubernetes/client-node';
import { phaseWithDeadline } from './startDeadline';

const placedAt = new Date('2026-11-27T10:00:00Z');
const pod = (waiting: { reason: string; message?: string } | undefined, ready = false): V1Pod => ({
  metadata: { name: 'aigc-x', creationTimestamp: new Date('2026-11-27T09:59:00Z') },
  spec: { nodeName: 'gpu-1', containers: [{ name: 'engine', image: 'sd:1' }] },
  status: {
    phase: waiting ? 'Pending' : 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: placedAt },
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
const at = (seconds: number) => placedAt.getTime() + seconds * 1000;

describe('phaseWithDeadline', () => {
  it('lets a pod pull and start until the deadline', () => {
    expect(phaseWithDeadline(pod({ reason: 'ImagePullBackOff', message: 'not found' }), at(599), 600_000).phase).toBe('pulling');
    expect(phaseWithDeadline(pod(undefined), at(599), 600_000).phase).toBe('starting');
  });

  it('calls a pod still pulling or starting after the deadline crashed, with where it was stuck', () => {
    expect(phaseWithDeadline(pod({ reason: 'ImagePullBackOff', message: 'manifest unknown' }), at(600), 600_000)).toEqual({
      phase: 'crashed',
      reason:
        'the engine was not ready 600 s after it was placed on gpu-1: cannot pull sd:1 on gpu-1 yet (ImagePullBackOff): manifest unknown',
    });
    expect(phaseWithDeadline(pod(undefined), at(601), 600_000).reason).toBe(
      'the engine was not ready 600 s after it was placed on gpu-1: the engine is starting on gpu-1',
    );
  });

  it('leaves ready pods and pods waiting for a GPU alone', () => {
    expect(phaseWithDeadline(pod(undefined, true), at(9999), 600_000).phase).toBe('ready');
    const waiting: V1Pod = {
      metadata: { creationTimestamp: new Date(0) },
      spec: { containers: [{ name: 'engine' }] },
      status: { phase: 'Pending' },
    };
    expect(phaseWithDeadline(waiting, at(9999), 600_000).phase).toBe('scheduling');
  });
});
