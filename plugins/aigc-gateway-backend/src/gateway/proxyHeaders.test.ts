import { engineRelativePath } from './proxyPath';
import { IncomingMessage } from 'node:http';
import { forwardHeaders } from './headers';
import { upgradeHeaders } from './WebSocketProxy';

describe('forwardHeaders', () => {
  it('never passes portal credentials or hop-by-hop headers to an engine', () => {
    expect(
      forwardHeaders({
        cookie: 'backstage-auth=secret',
        authorization: 'Bearer user-token',
        'proxy-authorization': 'x',
        connection: 'keep-alive',
        'transfer-encoding': 'chunked',
        host: 'portal.example.com',
        'content-type': 'application/json',
        'x-request-id': 'abc',
      }),
    ).toEqual({ 'content-type': 'application/json', 'x-request-id': 'abc' });
  });

  it("drops headers the sender names in Connection, and a client's word on who or where it is", () => {
    expect(
      forwardHeaders({
        connection: 'keep-alive, X-Engine-Admin, x-secret',
        'x-engine-admin': 'true',
        'x-secret': '1',
        'x-forwarded-for': '10.0.0.1',
        'x-forwarded-host': 'other.example',
        forwarded: 'for=10.0.0.1',
        'x-real-ip': '10.0.0.1',
        'x-auth-request-user': 'user:default/carol',
        accept: 'text/html',
      }),
    ).toEqual({ accept: 'text/html' });
    // A WebSocket upgrade keeps its own Connection and Upgrade, but no such claim either.
    const upgrade = {
      rawHeaders: [
        'Connection',
        'Upgrade',
        'Upgrade',
        'websocket',
        'X-Auth-Request-User',
        'user:default/carol',
        'X-Forwarded-For',
        '10.0.0.1',
        'Sec-WebSocket-Key',
        'k',
      ],
    } as IncomingMessage;
    expect(upgradeHeaders(upgrade, new Set(['host']))).toEqual([
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Key', 'k'],
    ]);
  });
});

describe('engineRelativePath', () => {
  const id = '5f0c2f9e-1b7e-4a35-9a39-2a8c6a1e8f10';
  it.each([
    [`/api/aigc-gateway/instances/${id}/proxy`, '/'],
    [`/api/aigc-gateway/instances/${id}/proxy/`, '/'],
    [`/api/aigc-gateway/instances/${id}/proxy?x=1`, '/?x=1'],
    [
      `/api/aigc-gateway/instances/${id}/proxy/sdapi/v1/progress?x=1`,
      '/sdapi/v1/progress?x=1',
    ],
    [`/api/aigc-gateway/instances/${id}/proxy/a?next=/../b`, '/a?next=/../b'],
  ])('maps %s to %s', (url, path) => {
    expect(engineRelativePath(url, id)).toBe(path);
  });

  it.each([
    `/api/aigc-gateway/instances/${id}/proxy/../secret`,
    `/api/aigc-gateway/instances/${id}/proxy/./x`,
    `/api/aigc-gateway/instances/${id}/proxy/%2e%2e/x`,
    `/api/aigc-gateway/instances/${id}/proxy/a%2fb`,
    `/api/aigc-gateway/instances/${id}/proxy/a%5cb`,
    `/api/aigc-gateway/instances/${id}/proxyfoo`,
    `/api/aigc-gateway/instances/${id}/proxy//%3-.%/x`,
  ])('refuses %s', url => {
    expect(() => engineRelativePath(url, id)).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
  });
});
