import { EngineVersion } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** What a version created through the API may ask of the cluster. */
export interface VersionPolicy {
  /** Registries whose images such versions may run. */
  allowedRegistries: string[];
  /** Whether such versions may carry a `podSpecPatch`. */
  allowPodSpecPatch: boolean;
}

/** The registry an image reference names: its first part when that is a host, else Docker Hub. */
export function registryOf(image: string): string {
  const [first, ...rest] = image.split('/');
  const isHost =
    first.includes('.') || first.includes(':') || first === 'localhost';
  return rest.length > 0 && isHost ? first.toLowerCase() : 'docker.io';
}

/**
 * Why a version created through the API (or a template) may not run on
 * this cluster. Whoever may manage versions then chooses what runs on every
 * GPU node, so images come only from the registries an operator allowed,
 * and a `podSpecPatch`, which can make a pod privileged or mount a host path
 * or another user's claim, only where an operator allowed it. Versions in
 * config are the operators' own and are not checked.
 */
export function refuseKubernetesVersion(
  version: EngineVersion,
  policy: VersionPolicy,
): string | undefined {
  const containers = [
    { what: `version ${version.version}`, spec: version.runtime.kubernetes },
    ...version.migrations.map(m => ({
      what: `the migration from layout ${m.fromLayout} to ${m.toLayout}`,
      spec: m.kubernetes,
    })),
  ];
  for (const { what, spec } of containers) {
    if (!spec) continue;
    const registry = registryOf(spec.image);
    if (!policy.allowedRegistries.includes(registry))
      return `${what}: image ${
        spec.image
      } is from ${registry}, which aigcGateway.runtime.kubernetes.allowedRegistries does not allow (${
        policy.allowedRegistries.join(', ') || 'none allowed'
      })`;
    if (spec.podSpecPatch && !policy.allowPodSpecPatch)
      return `${what}: a podSpecPatch is not allowed in versions created through the API (aigcGateway.runtime.kubernetes.allowPodSpecPatch)`;
  }
  return undefined;
}
