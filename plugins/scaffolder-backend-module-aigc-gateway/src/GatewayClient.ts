import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CreateVersionRequest,
  CreateVersionResponse,
  EngineTemplateView,
  InstanceView,
  LaunchRequest,
  PoolListResponse,
  TemplateListResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/**
 * The gateway's API as the scaffolder calls it: always on behalf of the
 * user who runs the template, so the gateway applies that user's permissions,
 * quotas and budgets.
 *
 * @public
 */
export class GatewayClient {
  constructor(
    private readonly deps: { auth: AuthService; discovery: DiscoveryService },
  ) {}

  async templates(as: BackstageCredentials): Promise<EngineTemplateView[]> {
    return (await this.call<TemplateListResponse>(as, 'GET', '/templates'))
      .items;
  }

  async pools(as: BackstageCredentials) {
    return (await this.call<PoolListResponse>(as, 'GET', '/pools')).items;
  }

  /** Launches, or finds the user's existing instance of that template and name (launches are idempotent). */
  launch(
    as: BackstageCredentials,
    request: LaunchRequest,
  ): Promise<InstanceView> {
    return this.call(as, 'POST', '/instances', request);
  }

  get(as: BackstageCredentials, id: string): Promise<InstanceView> {
    return this.call(as, 'GET', `/instances/${encodeURIComponent(id)}`);
  }

  release(as: BackstageCredentials, id: string): Promise<InstanceView> {
    return this.call(
      as,
      'POST',
      `/instances/${encodeURIComponent(id)}/release`,
    );
  }

  /** Creates a version; the same version again is answered, not refused. A dry run stores nothing. */
  createVersion(
    as: BackstageCredentials,
    request: CreateVersionRequest,
    dryRun: boolean,
  ): Promise<CreateVersionResponse> {
    return this.call(
      as,
      'POST',
      `/versions${dryRun ? '?dryRun=true' : ''}`,
      request,
    );
  }

  private async call<T>(
    as: BackstageCredentials,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: as,
      targetPluginId: 'aigc-gateway',
    });
    const baseUrl = await this.deps.discovery.getBaseUrl('aigc-gateway');
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      // The gateway's own message says what was wrong ("unknown template …").
      const error = await ResponseError.fromResponse(response);
      throw new Error(
        `AIGC Gateway: ${error.body?.error?.message ?? error.message} (HTTP ${
          response.status
        })`,
      );
    }
    return (await response.json()) as T;
  }
}
