import { AigcGatewayClient } from './AigcGatewayClient';
import { sampleTemplate } from '../testing/fakeGatewayApi';

function clientAnswering(response: Response) {
  const fetch = jest.fn(async (_url: string) => response);
  const client = new AigcGatewayClient({
    discoveryApi: { getBaseUrl: async id => `http://backend/api/${id}` },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

describe('AigcGatewayClient', () => {
  it('reads templates from the plugin base URL', async () => {
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify({ items: [sampleTemplate] }), { status: 200 }),
    );
    await expect(client.listTemplates()).resolves.toEqual([sampleTemplate]);
    expect(fetch).toHaveBeenCalledWith('http://backend/api/aigc-gateway/templates');
  });

  it('turns an error answer into a ResponseError carrying its message', async () => {
    const { client } = clientAnswering(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'not yours' },
          response: { statusCode: 403 },
        }),
        { status: 403, statusText: 'Forbidden', headers: { 'content-type': 'application/json' } },
      ),
    );
    await expect(client.listTemplates()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { message: 'not yours' } },
    });
  });
});
