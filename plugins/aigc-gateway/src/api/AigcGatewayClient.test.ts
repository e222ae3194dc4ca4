import { AigcGatewayClient } from './AigcGatewayClient';
import { sampleTemplate } from '../__testUtils__/fakeGatewayApi';

function clientAnswering(response: Response) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => response);
  const client = new AigcGatewayClient({
    discoveryApi: { getBaseUrl: async id => `http://backend/api/${id}` },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

describe('AigcGatewayClient', () => {
  it('reads templates from the plugin base URL', async () => {
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify({ items: [sampleTemplate] }), {
        status: 200,
      }),
    );
    await expect(client.listTemplates()).resolves.toEqual([sampleTemplate]);
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/aigc-gateway/templates',
      expect.objectContaining({ method: 'GET', credentials: 'include' }),
    );
  });

  it('turns an error answer into a ResponseError carrying its message', async () => {
    const { client } = clientAnswering(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'not yours' },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    await expect(client.listTemplates()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { message: 'not yours' } },
    });
  });

  it('launches with a JSON body', async () => {
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify({ id: 'i1' }), { status: 201 }),
    );
    await client.launch({ templateId: 'sample-engine', name: 'a' });
    expect(fetch.mock.calls[0][1]).toMatchObject({
      method: 'POST',
      body: '{"templateId":"sample-engine","name":"a"}',
      headers: { 'content-type': 'application/json' },
    });
  });

  it('reads server-sent progress events, split anywhere', async () => {
    const chunks = [
      'id: 1\nevent: state\ndata: {"state":"starting","message":"a","at":"t"}\n\n: keep-',
      'alive\n\nid: 2\nevent: state\ndata: {"state":"run',
      'ning","message":"b","at":"t"}\n\n',
    ];
    const body = new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    });
    const { client } = clientAnswering(new Response(body, { status: 200 }));
    const seen: string[] = [];
    await client.streamEvents(
      'i1',
      e => seen.push(`${e.state}:${e.message}`),
      new AbortController().signal,
    );
    expect(seen).toEqual(['starting:a', 'running:b']);
  });
});
