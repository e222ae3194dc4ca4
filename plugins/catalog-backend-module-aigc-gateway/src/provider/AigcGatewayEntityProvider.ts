import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  InstanceListResponse,
  PoolListResponse,
  TemplateListResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewaySnapshot, toEntities } from './toEntities';

/**
 * Publishes the gateway's templates, versions, pools and instances to the
 * catalog. Each refresh reads them from the gateway's API with this
 * plugin's service credentials and replaces everything the provider
 * published before, so removed things disappear.
 *
 * @public
 */
export class AigcGatewayEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private pending?: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      appBaseUrl: string;
      poolOwner: string;
    },
  ) {}

  getProviderName(): string {
    return 'aigc-gateway';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  /** Reads the gateway and replaces this provider's entities. */
  async refresh(): Promise<void> {
    if (!this.connection)
      throw new Error('the AIGC Gateway entity provider is not connected yet');
    const baseUrl = await this.deps.discovery.getBaseUrl('aigc-gateway');
    // One token for the three reads of a refresh, read side by side.
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'aigc-gateway',
    });
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw await ResponseError.fromResponse(response);
      return (await response.json()) as T;
    };
    const [templates, pools, instances] = await Promise.all([
      get<TemplateListResponse>('/templates'),
      get<PoolListResponse>('/pools'),
      get<InstanceListResponse>('/instances?scope=all'),
    ]);
    const snapshot: GatewaySnapshot = {
      templates: templates.items,
      pools: pools.items,
      instances: instances.items,
    };
    const location = `aigc-gateway:${baseUrl}`;
    const entities = toEntities(snapshot, {
      location,
      appBaseUrl: this.deps.appBaseUrl,
      poolOwner: this.deps.poolOwner,
    });
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey: location })),
    });
    this.deps.logger.debug(
      `Published ${entities.length} AIGC Gateway entities`,
    );
  }

  /**
   * A refresh soon, coalescing bursts of changes (a launch moves through
   * several states). One that fails (the gateway not answering yet, say at
   * the backend's start) is tried again later, up to a minute apart, rather
   * than leaving the catalog without the gateway's entities until the next
   * scheduled refresh.
   */
  refreshSoon(delayMs = 1000) {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refresh().catch(error => {
        this.deps.logger.warn(
          `AIGC Gateway catalog refresh failed, trying again: ${error}`,
        );
        this.refreshSoon(Math.min(delayMs * 2, 60_000));
      });
    }, delayMs);
  }

  stop() {
    clearTimeout(this.pending);
  }
}
