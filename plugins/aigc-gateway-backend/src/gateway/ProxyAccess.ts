import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { instanceReadPermission } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { AccessCache, AccessEntry } from './AccessCache';
import { instanceFilter } from '../permissions/authorizeInstance';

/**
 * Decides, without a database query, whether a caller may use an instance:
 * its owner may; anyone else only with the read permission on it (admins).
 */
export class ProxyAccess {
  private readonly others = new Map<
    string,
    { allowed: boolean; until: number }
  >();

  constructor(
    private readonly cache: AccessCache,
    private readonly permissions: PermissionsService,
  ) {}

  /** Throws unless the caller may open the instance, running or not; returns what the cache holds of it. */
  async open(
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    instanceId: string,
  ): Promise<AccessEntry> {
    const entry = await this.cache.getFresh(instanceId);
    const user = credentials.principal.userEntityRef;
    if (
      !entry ||
      (entry.ownerRef !== user && !(await this.mayRead(credentials, entry)))
    ) {
      throw new NotFoundError(
        `instance ${instanceId} does not exist or is not yours`,
      );
    }
    return entry;
  }

  /** Throws unless the caller may use the running instance; returns what the cache holds of it. */
  async check(
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    instanceId: string,
  ): Promise<AccessEntry> {
    const entry = await this.open(credentials, instanceId);
    if (entry.state !== 'running') {
      throw new ConflictError(
        `instance ${instanceId} is ${entry.state}, not running; launch it first`,
      );
    }
    return entry;
  }

  /** Someone else's instance: only with the read permission on it (admins); remembered for a second. */
  private async mayRead(
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    entry: AccessEntry,
  ) {
    const key = `${credentials.principal.userEntityRef} ${entry.ownerRef}`;
    const cached = this.others.get(key);
    if (cached && cached.until > performance.now()) return cached.allowed;
    const mayRead = await instanceFilter(
      this.permissions,
      credentials,
      instanceReadPermission,
    );
    const allowed = mayRead(entry);
    this.others.set(key, { allowed, until: performance.now() + 1000 });
    return allowed;
  }
}
