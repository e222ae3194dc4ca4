import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';

/**
 * The permissions service as a backend with this policy answers it, for
 * tests: the policy runs in-process on the user's ownership refs.
 */
export function policyPermissions(
  policy: PermissionPolicy,
  groups: Record<string, string[]>,
) {
  const userOf = (credentials: BackstageCredentials) => {
    const ref = (credentials.principal as { userEntityRef?: string }).userEntityRef;
    if (!ref) return undefined;
    return {
      identity: { type: 'user' as const, userEntityRef: ref, ownershipEntityRefs: [ref, ...(groups[ref] ?? [])] },
      token: 'test',
      credentials,
      info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...(groups[ref] ?? [])] },
    };
  };
  return mockServices.permissions.mock({
    authorizeConditional: async (requests, { credentials }) =>
      Promise.all(requests.map(r => policy.handle({ permission: r.permission }, userOf(credentials)))) as any,
    authorize: async (requests, { credentials }) =>
      Promise.all(
        requests.map(async r => {
          const decision = await policy.handle({ permission: r.permission }, userOf(credentials));
          return (decision.result === AuthorizeResult.CONDITIONAL
            ? { result: AuthorizeResult.DENY }
            : decision) as DefinitivePolicyDecision;
        }),
      ),
  }).factory;
}
