import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  InstanceListResponse,
  instanceReadPermission,
  instanceReleasePermission,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  launchRequestSchema,
  switchVersionRequestSchema,
} from './requestSchemas';
import { z } from 'zod';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { VersionSwitcher } from '../versions/VersionSwitcher';
import { InstanceStore } from '../store/InstanceStore';
import { InstanceOperations } from '../operations/InstanceOperations';
import { parse } from './parse';
import { OpenPerUser } from '../gateway/OpenPerUser';

const listQuerySchema = z
  .object({ scope: z.enum(['mine', 'all']).default('mine') })
  .passthrough();
const deleteQuerySchema = z
  .object({ deleteData: z.enum(['true', 'false']).default('false') })
  .passthrough();

const statusOf = { created: 201, existing: 200, queued: 202 } as const;

export function instancesRouter(deps: {
  store: InstanceStore;
  httpAuth: HttpAuthService;
  instances: InstanceOperations;
  switcher: VersionSwitcher;
  clock: GatewayClock;
}): express.Router {
  const { store, httpAuth, instances } = deps;
  const router = Router();

  // Each stream reads the database twice a second for as long as it is open.
  const streams = new OpenPerUser(
    16,
    'event streams',
    '; close some tabs of the portal',
  );

  /** The caller's instance of the path, if they may do `permission` to it; unknown or hidden → 404. */
  async function load(
    req: express.Request,
    permission = instanceReadPermission,
  ) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const instance = await instances.load(
      credentials,
      req.params.id,
      permission,
    );
    return { instance, credentials };
  }

  router.get('/instances', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { scope } = parse(listQuerySchema, req.query, 'query');
    const body: InstanceListResponse = {
      items: await Promise.all(
        (await instances.list(credentials, scope)).map(i => instances.view(i)),
      ),
    };
    res.json(body);
  });

  router.post('/instances', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = parse(launchRequestSchema, req.body, 'body');
    const { instance, outcome } = await instances.launch(credentials, request);
    res.status(statusOf[outcome]).json(await instances.view(instance, true));
  });

  router.get('/instances/:id', async (req, res) => {
    const { instance } = await load(req);
    res.json(await instances.view(instance, true));
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
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const released = await instances.release(credentials, req.params.id);
    res.json(await instances.view(released, true));
  });

  router.post('/instances/:id/launch', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const started = await instances.relaunch(credentials, req.params.id);
    res
      .status(started.state === 'queued' ? 202 : 200)
      .json(await instances.view(started, true));
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
    res.status(202).json(await instances.view(migrating, true));
  });

  router.post('/instances/:id/keepalive', async (req, res) => {
    const { instance } = await load(req, instanceReleasePermission);
    const at = deps.clock.now();
    await store.touch(instance.id, at);
    res.json({ lastActivityAt: at.toISOString() });
  });

  router.delete('/instances/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { deleteData } = parse(deleteQuerySchema, req.query, 'query');
    await instances.delete(credentials, req.params.id, deleteData === 'true');
    res.status(204).end();
  });

  return router;
}
