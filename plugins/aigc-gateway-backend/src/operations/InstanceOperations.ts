import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  DiscoveryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  instanceCreatePermission,
  instanceDeletePermission,
  instanceReadPermission,
  instanceReleasePermission,
  InstanceView,
  LaunchRequest,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { IngressHosts } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { z } from 'zod';
import { Lifecycle } from '../lifecycle/Lifecycle';
import {
  authorizeInstance,
  instanceFilter,
} from '../permissions/authorizeInstance';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import { toInstanceView } from '../api/instanceView';
import { AuditTrail } from '../audit/AuditTrail';
import type { GatewayMetrics } from '../metrics/GatewayMetrics';

const idSchema = z.string().uuid();

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * What callers do with instances, as the calling user with the permissions
 * framework deciding: the HTTP API and the actions for agents both go
 * through here, so both see and touch exactly the same instances.
 */
export class InstanceOperations {
  constructor(
    private readonly deps: {
      store: InstanceStore;
      audit: AuditTrail;
      metrics: Pick<GatewayMetrics, 'launched'>;
      auth: AuthService;
      lifecycle: Lifecycle;
      userInfo: UserInfoService;
      permissions: PermissionsService;
      discovery: DiscoveryService;
      ingressHosts: IngressHosts;
    },
  ) {}

  /** The caller's own instances, or (`all`) every instance they may read; backend services read all. */
  async list(
    credentials: BackstageCredentials,
    scope: 'mine' | 'all',
  ): Promise<InstanceRecord[]> {
    const { auth, store, permissions } = this.deps;
    if (!auth.isPrincipal(credentials, 'user')) return store.list();
    if (scope === 'all')
      return (await store.list()).filter(
        await instanceFilter(permissions, credentials, instanceReadPermission),
      );
    return store.list({ ownerRef: credentials.principal.userEntityRef });
  }

  /** The instance, if the caller may do `permission` to it; unknown or hidden is not found. */
  async load(
    credentials: UserCredentials,
    id: string,
    permission: ResourcePermission = instanceReadPermission,
  ): Promise<InstanceRecord> {
    const instance = idSchema.safeParse(id).success
      ? await this.deps.store.get(id)
      : undefined;
    if (!instance) throw new NotFoundError(`instance ${id} does not exist`);
    await authorizeInstance(
      this.deps.permissions,
      credentials,
      permission,
      instance,
    );
    return instance;
  }

  /** Launches an engine for the caller, or finds the one of that template and name; refusals are audited too. */
  async launch(credentials: UserCredentials, request: LaunchRequest) {
    const actor = credentials.principal.userEntityRef;
    const launched = this.deps.audit.run(
      { actor, action: 'launch', detail: request.templateId },
      async () => {
        const [decision] = await this.deps.permissions.authorize(
          [{ permission: instanceCreatePermission }],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError('you may not launch engine instances');
        }
        const { ownershipEntityRefs } = await this.deps.userInfo.getUserInfo(
          credentials,
        );
        return this.deps.lifecycle.launch(
          { userEntityRef: actor, ownershipEntityRefs },
          request,
        );
      },
      ({ instance, outcome }) => ({ instanceId: instance.id, outcome }),
    );
    launched.then(
      ({ outcome }) => this.deps.metrics.launched(outcome),
      () => this.deps.metrics.launched('refused'),
    );
    return launched;
  }

  async release(credentials: UserCredentials, id: string) {
    const actor = credentials.principal.userEntityRef;
    return this.deps.audit.run(
      { actor, action: 'release', instanceId: id },
      async () => {
        const instance = await this.load(
          credentials,
          id,
          instanceReleasePermission,
        );
        return this.deps.lifecycle.release(
          instance,
          instance.ownerRef === actor
            ? 'released by its owner'
            : `released by ${actor}`,
        );
      },
      released => ({ outcome: released.state }),
    );
  }

  async relaunch(credentials: UserCredentials, id: string) {
    return this.deps.audit.run(
      {
        actor: credentials.principal.userEntityRef,
        action: 'relaunch',
        instanceId: id,
      },
      async () =>
        this.deps.lifecycle.relaunch(
          await this.load(credentials, id, instanceReleasePermission),
        ),
      started => ({ outcome: started.state }),
    );
  }

  /** Deletes a released instance, and its data when asked. */
  async delete(credentials: UserCredentials, id: string, deleteData: boolean) {
    await this.deps.audit.run(
      {
        actor: credentials.principal.userEntityRef,
        action: deleteData ? 'delete-with-data' : 'delete',
        instanceId: id,
      },
      async () =>
        this.deps.lifecycle.delete(
          await this.load(credentials, id, instanceDeletePermission),
          deleteData,
        ),
      () => ({ outcome: 'deleted' }),
    );
  }

  /** The API's view of an instance, with its recent progress when asked. */
  async view(
    instance: InstanceRecord,
    withEvents = false,
  ): Promise<InstanceView> {
    const { store } = this.deps;
    return toInstanceView(
      instance,
      await this.deps.discovery.getExternalBaseUrl('aigc-gateway'),
      this.deps.ingressHosts,
      {
        queuePosition: await store.queuePosition(instance),
        events: withEvents
          ? (await store.events(instance.id)).map(e => ({
              state: e.state,
              message: e.message,
              at: e.at.toISOString(),
            }))
          : undefined,
      },
    );
  }
}
