import { originRequestHeaders, originResponseHeaders } from './engineHeaders';

describe('headers at an engine origin', () => {
  it("pass the engine's own cookies and credentials to it, never the gateway's session or the portal's cookie", () => {
    expect(
      originRequestHeaders({
        host: 'x.localhost:7008',
        cookie:
          'theme=dark; aigc-gateway-session=signed.token; __Host-aigc-gateway=t; backstage-auth=user.token; lang=en',
        authorization: 'Basic ZW5naW5lOnB3',
        connection: 'keep-alive',
        accept: 'text/html',
      }),
    ).toEqual({
      cookie: 'theme=dark; lang=en',
      authorization: 'Basic ZW5naW5lOnB3',
      accept: 'text/html',
    });
    expect(
      originRequestHeaders({ cookie: 'aigc-gateway-session=signed.token' }),
    ).toEqual({});
  });

  it('keep engine cookies on its host, keep its session and service worker scope out of its reach, and send no referrer', () => {
    expect(
      originResponseHeaders({
        'content-type': 'text/html',
        'set-cookie': [
          'engine=1; Path=/; HttpOnly',
          'wide=1; Domain=localhost; Path=/',
          'wider=1; path=/; DOMAIN=.localhost',
          'aigc-gateway-session=forged; Path=/',
          '__Host-aigc-gateway=forged; Path=/; Secure',
          'backstage-auth=forged; Path=/',
        ],
        'service-worker-allowed': '/',
        'referrer-policy': 'unsafe-url',
        'transfer-encoding': 'chunked',
      }),
    ).toEqual({
      'content-type': 'text/html',
      'set-cookie': [
        'engine=1; Path=/; HttpOnly',
        'wide=1; Path=/',
        'wider=1; path=/',
      ],
      'referrer-policy': 'no-referrer',
    });
  });
});
