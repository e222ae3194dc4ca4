import { randomBytes } from 'node:crypto';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { IngressTokens } from './IngressTokens';
import { originalUrl } from './originalUrl';

const grant = {
  kind: 'ticket' as const,
  host: 'a.engines.test',
  user: 'user:default/alice',
  owner: 'user:default/alice',
};

describe('IngressTokens', () => {
  const clock = new TestClock(new Date(1_000_000), { frozen: true });
  const tokens = new IngressTokens(randomBytes(32), clock);

  it('verifies its own token for the same kind and host until it expires', () => {
    const token = tokens.issue(grant, 60_000);
    expect(tokens.verify(token, 'ticket', 'a.engines.test')).toEqual({
      ...grant,
      expiresAt: 1_060_000,
    });
    expect(tokens.verify(token, 'session', 'a.engines.test')).toBeUndefined();
    expect(tokens.verify(token, 'ticket', 'b.engines.test')).toBeUndefined();
    clock.advance(60_000);
    expect(tokens.verify(token, 'ticket', 'a.engines.test')).toBeUndefined();
  });

  it('refuses tampered, foreign and malformed tokens', () => {
    const token = tokens.issue(grant, 60_000);
    const [payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...grant,
        host: 'b.engines.test',
        expiresAt: clock.now().getTime() + 1e9,
      }),
    ).toString('base64url');
    const foreign = new IngressTokens(randomBytes(32), clock).issue(
      grant,
      60_000,
    );
    for (const bad of [
      `${forgedPayload}.${signature}`,
      foreign,
      payload,
      `${token}.x`,
      '',
      undefined,
      `${payload}.`,
    ]) {
      expect(tokens.verify(bad, 'ticket', 'a.engines.test')).toBeUndefined();
    }
  });
});

describe('originalUrl', () => {
  it('reads ingress-nginx and Traefik headers', () => {
    expect(
      originalUrl({ 'x-original-url': 'https://a.engines.test/x?y=1' })
        .hostname,
    ).toBe('a.engines.test');
    const traefik = originalUrl({
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'a.engines.test',
      'x-forwarded-uri': '/p?q',
    });
    expect(traefik.toString()).toBe('http://a.engines.test/p?q');
  });

  it('refuses requests that name no URL or a bad one', () => {
    expect(() => originalUrl({})).toThrow(/names the URL it is for/);
    expect(() => originalUrl({ 'x-original-url': 'not a url' })).toThrow(
      /is not a URL/,
    );
    expect(() =>
      originalUrl({ 'x-original-url': 'ftp://a.engines.test/' }),
    ).toThrow(/not an http\(s\) URL/);
  });
});
