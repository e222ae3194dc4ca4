import express from 'express';
import Router from 'express-promise-router';
import {
  AuthService,
  DiscoveryService,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  instanceCreatePermission,
  instanceDeletePermission,
  InstanceListResponse,
  instanceReadPermission,
  instanceReleasePermission,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  launchRequestSchema,
  switchVersionRequestSchema,
} from './requestSchemas';
import { z } from 'zod';
import {
  IngressHosts,
  GatewayClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { Lifecycle } from '../lifecycle/Lifecycle';
import { VersionSwitcher } from '../versions/VersionSwitcher';
import {
  authorizeInstance,
  instanceFilter,
} from '../permissions/authorizeInstance';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import { toInstanceView } from './instanceView';
import { parse } from './parse';
import { OpenPerUser } from '../gateway/OpenPerUser';

const listQuerySchema = z
  .object({ scope: z.enum(['mine', 'all']).default('mine') })
  .passthrough();
const deleteQuerySchema = z
  .object({ deleteData: z.enum(['true', 'false']).default('false') })
  .passthrough();
const idSchema = z.string().uuid();

const statusOf = { created: 201, existing: 200, queued: 202 } as const;

export function instancesRouter(deps: {
  store: InstanceStore;
  auth: AuthService;
  lifecycle: Lifecycle;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  discovery: DiscoveryService;
  switcher: VersionSwitcher;
  /** The hosts engines open at: their own origins. */
  ingressHosts: IngressHosts;
  clock: GatewayClock;
}): express.Router {
  const { store, lifecycle, auth, httpAuth, userInfo, permissions } = deps;
  const router = Router();
  const baseUrl = () => deps.discovery.getExternalBaseUrl('aigc-gateway');

  /** Loads the instance and checks the permission; unknown or hidden → 404. */
  // Each stream reads the database twice a second for as long as it is open.
  const streams = new OpenPerUser(
    16,
    'event streams',
    '; close some tabs of the portal',
  );

  async function load(
    req: express.Request,
    permission = instanceReadPermission,
  ) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const id = req.params.id;
    const instance = idSchema.safeParse(id).success
      ? await store.get(id)
      : undefined;
    if (!instance) throw new NotFoundError(`instance ${id} does not exist`);
    await authorizeInstance(permissions, credentials, permission, instance);
    return { instance, credentials };
  }

  async function view(instance: InstanceRecord, withEvents = false) {
    return toInstanceView(instance, await baseUrl(), deps.ingressHosts, {
      queuePosition: await store.queuePosition(instance),
      events: withEvents
        ? (await store.events(instance.id)).map(e => ({
            state: e.state,
            message: e.message,
            at: e.at.toISOString(),
          }))
        : undefined,
    });
  }

  router.get('/instances', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { scope } = parse(listQuerySchema, req.query, 'query');
    let instances: InstanceRecord[];
    if (!auth.isPrincipal(credentials, 'user')) {
      // Backend services (e.g. the catalog provider) read every instance.
      instances = await store.list();
    } else if (scope === 'all') {
      // Every instance the caller may read (admins: all of them).
      instances = (await store.list()).filter(
        await instanceFilter(permissions, credentials, instanceReadPermission),
      );
    } else {
      instances = await store.list({
        ownerRef: credentials.principal.userEntityRef,
      });
    }
    const body: InstanceListResponse = {
      items: await Promise.all(instances.map(i => view(i))),
    };
    res.json(body);
  });

  router.post('/instances', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = parse(launchRequestSchema, req.body, 'body');
    const [decision] = await permissions.authorize(
      [{ permission: instanceCreatePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('you may not launch engine instances');
    }
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
    const { instance, outcome } = await lifecycle.launch(
      {
        userEntityRef: credentials.principal.userEntityRef,
        ownershipEntityRefs,
      },
      request,
    );
    await store.audit({
      actor: credentials.principal.userEntityRef,
      action: 'launch',
      instanceId: instance.id,
      outcome,
    });
    res.status(statusOf[outcome]).json(await view(instance, true));
  });

  router.get('/instances/:id', async (req, res) => {
    const { instance } = await load(req);
    res.json(await view(instance, true));
  });

  router.get('/instances/:id/events', async (req, res) => {
    const { instance, credentials } = await load(req);
    const release = streams.acquire(credentials.principal.userEntityRef);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      // no-transform keeps the compression middleware from buffering the stream.
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    let last = 0;
    let closed = false;
    req.on('close', () => {
      closed = true;
      release();
    });
    // Progress is in the database, so any replica can stream it.
    while (!closed) {
      for (const event of await store.eventsAfter(instance.id, last)) {
        last = event.id;
        res.write(
          `id: ${event.id}\nevent: state\ndata: ${JSON.stringify({
            state: event.state,
            message: event.message,
            at: event.at.toISOString(),
          })}\n\n`,
        );
      }
      res.write(': keep-alive\n\n');
      await new Promise(r => setTimeout(r, 500));
    }
    res.end();
  });

  router.post('/instances/:id/release', async (req, res) => {
    const { instance, credentials } = await load(
      req,
      instanceReleasePermission,
    );
    const released = await lifecycle.release(
      instance,
      instance.ownerRef === credentials.principal.userEntityRef
        ? 'released by its owner'
        : `released by ${credentials.principal.userEntityRef}`,
    );
    await store.audit({
      actor: credentials.principal.userEntityRef,
      action: 'release',
      instanceId: instance.id,
      outcome: released.state,
    });
    res.json(await view(released, true));
  });

  router.post('/instances/:id/launch', async (req, res) => {
    const { instance, credentials } = await load(
      req,
      instanceReleasePermission,
    );
    const started = await lifecycle.relaunch(instance);
    await store.audit({
      actor: credentials.principal.userEntityRef,
      action: 'relaunch',
      instanceId: instance.id,
      outcome: started.state,
    });
    res
      .status(started.state === 'queued' ? 202 : 200)
      .json(await view(started, true));
  });

  router.post('/instances/:id/switch-version', async (req, res) => {
    const { instance, credentials } = await load(
      req,
      instanceReleasePermission,
    );
    const { version } = parse(switchVersionRequestSchema, req.body, 'body');
    const migrating = await deps.switcher.switch(
      instance,
      version,
      credentials.principal.userEntityRef,
    );
    res.status(202).json(await view(migrating, true));
  });

  router.post('/instances/:id/keepalive', async (req, res) => {
    const { instance } = await load(req, instanceReleasePermission);
    const at = deps.clock.now();
    await store.touch(instance.id, at);
    res.json({ lastActivityAt: at.toISOString() });
  });

  router.delete('/instances/:id', async (req, res) => {
    const { instance, credentials } = await load(req, instanceDeletePermission);
    const { deleteData } = parse(deleteQuerySchema, req.query, 'query');
    await lifecycle.delete(instance, deleteData === 'true');
    await store.audit({
      actor: credentials.principal.userEntityRef,
      action: deleteData === 'true' ? 'delete-with-data' : 'delete',
      instanceId: instance.id,
      outcome: 'deleted',
    });
    res.status(204).end();
  });

  return router;
}
