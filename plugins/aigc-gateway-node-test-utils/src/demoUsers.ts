import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/**
 * The groups of the demo organisation's users (`examples/org.yaml`): carol
 * administers the gateway, alice and bob create content.
 *
 * @public
 */
export const demoUserGroups: Readonly<Record<string, readonly string[]>> = {
  alice: ['group:default/creators-a'],
  bob: ['group:default/creators-b'],
  carol: ['group:default/aigc-admins'],
};

/**
 * The user info service of a test backend whose users come from
 * `mockCredentials`: each demo user owns what their groups own, as the
 * catalog would say; other users only themselves.
 *
 * @public
 */
export const demoUserInfoServiceFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const principal = credentials.principal as {
        type: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user' || !principal.userEntityRef)
        throw new InputError('user info is only available for users');
      const name = principal.userEntityRef.replace(/^user:default\//, '');
      return {
        userEntityRef: principal.userEntityRef,
        ownershipEntityRefs: [
          principal.userEntityRef,
          ...(demoUserGroups[name] ?? []),
        ],
      };
    },
  }),
});
