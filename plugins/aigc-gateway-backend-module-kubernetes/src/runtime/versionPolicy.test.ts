import { sampleVersion } from '../__testUtils__/fixtures';
import { refuseKubernetesVersion, registryOf } from './versionPolicy';

describe('versions created through the API on Kubernetes', () => {
  it('name the registry of an image as the container runtime reads it', () => {
    expect(registryOf('ollama/ollama:0.5.7')).toBe('docker.io');
    expect(registryOf('ubuntu')).toBe('docker.io');
    expect(registryOf('ghcr.io/open-webui/open-webui:main')).toBe('ghcr.io');
    expect(registryOf('REGISTRY.example.com:5000/sd/webui:1')).toBe(
      'registry.example.com:5000',
    );
    expect(registryOf('localhost/engine:1')).toBe('localhost');
  });

  it('run images of allowed registries only, and no podSpecPatch unless allowed', () => {
    const version = sampleVersion;
    const image = version.runtime.kubernetes!.image;
    const policy = { allowedRegistries: [], allowPodSpecPatch: false };
    expect(refuseKubernetesVersion(version, policy)).toBe(
      `version 2.0.0: image ${image} is from ${registryOf(
        image,
      )}, which aigcGateway.runtime.kubernetes.allowedRegistries does not allow (none allowed)`,
    );
    const allowed = { ...policy, allowedRegistries: [registryOf(image)] };
    expect(refuseKubernetesVersion(version, allowed)).toBeUndefined();
    const privileged = {
      ...version,
      runtime: {
        kubernetes: {
          ...version.runtime.kubernetes!,
          podSpecPatch: { hostNetwork: true },
        },
      },
    };
    expect(refuseKubernetesVersion(privileged, allowed)).toBe(
      'version 2.0.0: a podSpecPatch is not allowed in versions created through the API (aigcGateway.runtime.kubernetes.allowPodSpecPatch)',
    );
    expect(
      refuseKubernetesVersion(privileged, {
        ...allowed,
        allowPodSpecPatch: true,
      }),
    ).toBeUndefined();
    // A migration's Job is a container too.
    const migrating = {
      ...version,
      migrations: [
        {
          fromLayout: 1,
          toLayout: 2,
          kubernetes: { image: 'evil.example/miner:1', args: [], env: {} },
        },
      ],
    };
    expect(refuseKubernetesVersion(migrating, allowed)).toMatch(
      /^the migration from layout 1 to 2: image evil\.example\/miner:1 is from evil\.example/,
    );
  });
});
