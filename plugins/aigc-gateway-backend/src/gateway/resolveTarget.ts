import { IncomingMessage } from 'node:http';
import { AuthenticationError, ConflictError } from '@backstage/errors';
import {
  EngineRuntime,
  RuntimeEndpoint,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { engineRelativePath } from './proxyPath';
import { ProxyAccess } from './ProxyAccess';
import { hasBearerToken, UserCredentialsCache } from './UserCredentialsCache';
import { refuseCrossSite } from './crossSite';

/**
 * The checks every request and WebSocket upgrade on the path-form proxy
 * passes: a user (token; the cookie only where configured, on a request no
 * other site made), a safe engine path,
 * owner or reader, a reachable engine.
 * Throws the error to answer with.
 */
export async function resolveTarget(
  deps: {
    users: UserCredentialsCache;
    access: ProxyAccess;
    runtime: EngineRuntime;
    ownOrigins: ReadonlySet<string>;
    /** Whether browsers may use the path form with the portal's cookie (development only). */
    cookieOnPathProxy: boolean;
  },
  req: IncomingMessage,
  instanceId: string,
): Promise<{
  path: string;
  endpoint: RuntimeEndpoint;
  user: string;
  /** Whether the caller's credentials have expired, for those that do. */
  expired?: () => boolean;
}> {
  if (!hasBearerToken(req)) {
    // On the portal's origin an engine's pages could act as the portal's user.
    if (!deps.cookieOnPathProxy) {
      throw new AuthenticationError(
        "the path-form proxy serves API clients that send a token; browsers open an engine at its own origin (the instance's url)",
      );
    }
    refuseCrossSite(req, deps.ownOrigins, Boolean(req.headers.upgrade));
  }
  const credentials = await deps.users.credentials(req);
  const path = engineRelativePath(req.url!, instanceId);
  await deps.access.check(credentials, instanceId);
  const endpoint = deps.runtime.endpoint(instanceId);
  if (!endpoint) {
    throw new ConflictError(
      `instance ${instanceId} is not reachable yet; try again in a moment`,
    );
  }
  return {
    path,
    endpoint,
    user: credentials.principal.userEntityRef,
    expired: expiryOf(credentials.expiresAt),
  };
}

/**
 * Backstage's tokens expire by the real clock, as Backstage's own checks of
 * them do; the gateway's clock is for its own records.
 */
function expiryOf(expiresAt: Date | undefined) {
  return expiresAt && (() => Date.now() >= expiresAt.getTime());
}
