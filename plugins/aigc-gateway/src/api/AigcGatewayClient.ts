import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  BudgetListResponse,
  CostDailyResponse,
  CostDimension,
  CostSummaryResponse,
  EngineTemplateView,
  InstanceEventView,
  InstanceListResponse,
  InstanceView,
  LaunchRequest,
  PoolListResponse,
  PoolView,
  RolloutAction,
  RolloutListResponse,
  RolloutPlanView,
  RolloutRequest,
  RolloutView,
  TemplateListResponse,
  VersionListResponse,
  VersionStatus,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { AigcGatewayApi, CostRequest } from './AigcGatewayApi';

/**
 * Calls the backend plugin with the signed-in user's token (fetchApi adds it).
 *
 * @public
 */
export class AigcGatewayClient implements AigcGatewayApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listTemplates(): Promise<EngineTemplateView[]> {
    return (await this.call<TemplateListResponse>('GET', '/templates')).items;
  }

  async listPools(): Promise<PoolView[]> {
    return (await this.call<PoolListResponse>('GET', '/pools')).items;
  }

  async listInstances(
    options: { scope?: 'mine' | 'all' } = {},
  ): Promise<InstanceView[]> {
    const query = options.scope === 'all' ? '?scope=all' : '';
    return (await this.call<InstanceListResponse>('GET', `/instances${query}`))
      .items;
  }

  getInstance(id: string): Promise<InstanceView> {
    return this.call('GET', `/instances/${encodeURIComponent(id)}`);
  }

  launch(request: LaunchRequest): Promise<InstanceView> {
    return this.call('POST', '/instances', request);
  }

  release(id: string): Promise<InstanceView> {
    return this.call('POST', `/instances/${encodeURIComponent(id)}/release`);
  }

  relaunch(id: string): Promise<InstanceView> {
    return this.call('POST', `/instances/${encodeURIComponent(id)}/launch`);
  }

  async listVersions(): Promise<VersionListResponse['items']> {
    return (await this.call<VersionListResponse>('GET', '/versions')).items;
  }

  async setVersionStatus(
    templateId: string,
    version: string,
    status: VersionStatus,
  ): Promise<void> {
    await this.call(
      'PATCH',
      `/versions/${encodeURIComponent(templateId)}/${encodeURIComponent(
        version,
      )}`,
      { status },
    );
  }

  planRollout(
    request: Omit<RolloutRequest, 'dryRun'>,
  ): Promise<RolloutPlanView> {
    return this.call('POST', '/rollouts', { ...request, dryRun: true });
  }

  startRollout(request: Omit<RolloutRequest, 'dryRun'>): Promise<RolloutView> {
    return this.call('POST', '/rollouts', request);
  }

  async listRollouts(): Promise<RolloutView[]> {
    return (await this.call<RolloutListResponse>('GET', '/rollouts')).items;
  }

  rolloutAction(id: string, action: RolloutAction): Promise<RolloutView> {
    return this.call('POST', `/rollouts/${encodeURIComponent(id)}/${action}`);
  }

  async keepAlive(id: string): Promise<void> {
    await this.call('POST', `/instances/${encodeURIComponent(id)}/keepalive`);
  }

  switchVersion(id: string, version: string): Promise<InstanceView> {
    return this.call(
      'POST',
      `/instances/${encodeURIComponent(id)}/switch-version`,
      { version },
    );
  }

  async deleteInstance(
    id: string,
    options: { deleteData: boolean },
  ): Promise<void> {
    await this.call(
      'DELETE',
      `/instances/${encodeURIComponent(id)}?deleteData=${options.deleteData}`,
    );
  }

  costSummary(
    query: CostRequest & { groupBy: CostDimension },
  ): Promise<CostSummaryResponse> {
    return this.call('GET', `/cost/summary${queryString(query)}`);
  }

  costDaily(query: CostRequest): Promise<CostDailyResponse> {
    return this.call('GET', `/cost/daily${queryString(query)}`);
  }

  async costExport(query: CostRequest): Promise<Blob> {
    return (
      await this.fetch('GET', `/cost/export.csv${queryString(query)}`)
    ).blob();
  }

  costBudgets(): Promise<BudgetListResponse> {
    return this.call('GET', '/cost/budgets');
  }

  async authorizeBrowser(): Promise<void> {
    await this.call('GET', '/cookie');
  }

  async engineSignInUrl(address: string): Promise<string> {
    const base = await this.deps.discoveryApi.getBaseUrl('aigc-gateway');
    // portal=1: coming from the portal, the sign-in answers instead of sending the browser back.
    return `${base}/ingress/sign-in?rd=${encodeURIComponent(address)}&portal=1`;
  }

  async streamEvents(
    id: string,
    onEvent: (event: InstanceEventView) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const response = await this.fetch(
      'GET',
      `/instances/${encodeURIComponent(id)}/events`,
      undefined,
      signal,
    );
    const reader = response
      .body!.pipeThrough(new TextDecoderStream())
      .getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        // Server-sent events are separated by a blank line.
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .find(line => line.startsWith('data: '));
          if (data) onEvent(JSON.parse(data.slice(6)));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await this.fetch(method, path, body);
    return response.status === 204
      ? (undefined as T)
      : ((await response.json()) as T);
  }

  private async fetch(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ) {
    const base = await this.deps.discoveryApi.getBaseUrl('aigc-gateway');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`, {
      method,
      signal,
      // The cookie endpoint's answer must be stored by the browser.
      credentials: 'include',
      headers:
        body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}

/** `?a=1&b=2` of the defined values, or nothing. */
function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
