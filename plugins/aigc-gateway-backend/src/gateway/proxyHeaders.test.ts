import { engineRelativePath } from './proxyPath';
import { forwardHeaders } from './headers';

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
});

describe('engineRelativePath', () => {
  const id = '5f0c2f9e-1b7e-4a35-9a39-2a8c6a1e8f10';
  it.each([
    [`/api/aigc-gateway/instances/${id}/proxy`, '/'],
    [`/api/aigc-gateway/instances/${id}/proxy/`, '/'],
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
