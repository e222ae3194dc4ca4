import { pools, startRequest } from '../__testUtils__/fixtures';
import { claimManifest } from './claimManifest';
import { podManifest } from './podManifest';
import { serviceManifest } from './serviceManifest';

const INSTANCE = '0f6c3c52-8a4e-4d0b-9a51-3c2b1f0e7d11';
const VOLUME = '5e0a7a2b-7b0c-4e44-8f7e-2e1d3c4b5a69';

describe('serviceManifest', () => {
  it('fronts the pod, is owned by it and carries its labels', () => {
    const pod = podManifest(startRequest(INSTANCE, VOLUME, pools.rtx3090), {
      namespace: 'aigc',
      stopGracePeriodSeconds: 30,
    });
    pod.metadata!.uid = 'uid-1';
    const service = serviceManifest(pod, 7860);
    expect(service.metadata).toEqual({
      name: `aigc-${INSTANCE}`,
      namespace: 'aigc',
      labels: pod.metadata!.labels,
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          name: `aigc-${INSTANCE}`,
          uid: 'uid-1',
        },
      ],
    });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'aigc-gateway.io/instance': INSTANCE },
      ports: [
        { name: 'http', port: 7860, targetPort: 'http', protocol: 'TCP' },
      ],
    });
  });
});

describe('claimManifest', () => {
  it('names the claim from the volume uuid and asks for the configured size', () => {
    expect(
      claimManifest(VOLUME, { namespace: 'aigc', volumeSize: '20Gi' }),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: `aigc-vol-${VOLUME}`,
        namespace: 'aigc',
        labels: {
          'app.kubernetes.io/managed-by': 'aigc-gateway',
          'aigc-gateway.io/volume': VOLUME,
        },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '20Gi' } },
      },
    });
    expect(
      claimManifest(VOLUME, {
        namespace: 'aigc',
        volumeSize: '100Gi',
        storageClass: 'fast-ssd',
      }).spec,
    ).toMatchObject({ storageClassName: 'fast-ssd' });
  });
});
