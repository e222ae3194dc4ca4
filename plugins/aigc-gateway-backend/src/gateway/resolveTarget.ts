import { IncomingMessage } from 'node:http';
import { ConflictError } from '@backstage/errors';
import {
  EngineRuntime,
  RuntimeEndpoint,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { engineRelativePath } from './proxyPath';
import { ProxyAccess } from './ProxyAccess';
import { hasBearerToken, UserCredentialsCache } from './UserCredentialsCache';
import { refuseCrossSite } from './crossSite';

/**
 * The checks every proxied request and WebSocket upgrade passes: a user
 * (token, or cookie on a request no other site made), a safe engine path,
 * owner or reader, a reachable engine.
 * Throws the error to answer with.
 */
export async function resolveTarget(
  deps: {
    users: UserCredentialsCache;
    access: ProxyAccess;
    runtime: EngineRuntime;
    ownOrigins: ReadonlySet<string>;
  },
  req: IncomingMessage,
  instanceId: string,
): Promise<{ path: string; endpoint: RuntimeEndpoint }> {
  const credentials = await deps.users.credentials(req);
  if (!hasBearerToken(req))
    refuseCrossSite(req, deps.ownOrigins, Boolean(req.headers.upgrade));
  const path = engineRelativePath(req.url!, instanceId);
  await deps.access.check(credentials, instanceId);
  const endpoint = deps.runtime.endpoint(instanceId);
  if (!endpoint) {
    throw new ConflictError(
      `instance ${instanceId} is not reachable yet; try again in a moment`,
    );
  }
  return { path, endpoint };
}
