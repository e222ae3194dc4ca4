import type { Server } from 'node:http';
import request from 'supertest';
import { eventually } from './events';

/** Waits until the runtime's node watch has counted the pool's four GPUs. */
export function poolCounted(server: Server, authorization: string) {
  return eventually(async () => {
    const total = (
      await request(server)
        .get('/api/aigc-gateway/pools')
        .set('Authorization', authorization)
    ).body.items[0].capacity.total;
    if (total !== 4)
      throw new Error(`the pool shows ${total} slots, not 4 yet`);
  }, 30_000);
}

/**
 * Users of the gateway at `server` as the portal makes them: each calls the
 * API with a user token that `sign` issues (a real one, since the Ingress
 * sign-in reads the portal's user cookie made from it).
 */
export function portalUsers(
  server: Server,
  sign: (user: string) => Promise<string>,
) {
  const tokens = new Map<string, string>();
  const authorization = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, `Bearer ${await sign(user)}`);
    return tokens.get(user)!;
  };
  /** The gateway's API as `user` calls it. */
  const call = async (user: string) => {
    const token = await authorization(user);
    return (method: 'get' | 'post', path: string) =>
      request(server)
        [method](`/api/aigc-gateway${path}`)
        .set('Authorization', token);
  };
  /** The portal's user cookie, as the Open button sets it before it navigates. */
  const portalCookie = async (user: string) =>
    String(
      (await (await call(user))('get', '/cookie')).headers['set-cookie'],
    ).split(';')[0];
  /** Launches a sample engine as `user` and waits until it runs. */
  const launch = async (user: string, name: string) => {
    const api = await call(user);
    const res = await api('post', '/instances').send({
      templateId: 'sample-engine',
      name,
    });
    expect(res.status).toBe(201);
    await eventually(
      async () =>
        expect((await api('get', `/instances/${res.body.id}`)).body.state).toBe(
          'running',
        ),
      60_000,
    );
    return (await api('get', `/instances/${res.body.id}`)).body as {
      id: string;
      url: string;
    };
  };
  return { authorization, call, portalCookie, launch };
}
