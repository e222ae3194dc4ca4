const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function checked(kind: string, id: string, name: string): string {
  if (!DNS_LABEL.test(name)) {
    throw new Error(
      `${kind} id "${id}" cannot name a Kubernetes object (lower-case letters, digits and dashes only)`,
    );
  }
  return name;
}

/** The pod and the Service of an instance share this name. */
export function instanceObjectName(instanceId: string): string {
  return checked('instance', instanceId, `aigc-${instanceId}`);
}

/** The volume claim of a data volume: named from its uuid, never from a user or instance. */
export function claimName(volumeId: string): string {
  return checked('volume', volumeId, `aigc-vol-${volumeId}`);
}

export const CLAIM_PREFIX = 'aigc-vol-';
