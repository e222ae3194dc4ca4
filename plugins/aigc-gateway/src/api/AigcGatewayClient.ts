import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EngineTemplateView,
  TemplateListResponse,
} from '@internal/plugin-aigc-gateway-common';
import { AigcGatewayApi } from './AigcGatewayApi';

/** Calls the backend plugin with the signed-in user's token (fetchApi adds it). */
export class AigcGatewayClient implements AigcGatewayApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listTemplates(): Promise<EngineTemplateView[]> {
    const body = await this.get<TemplateListResponse>('/templates');
    return body.items;
  }

  private async get<T>(path: string): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('aigc-gateway');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
