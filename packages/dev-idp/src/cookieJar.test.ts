import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CookieJar } from './cookieJar.ts';

test('cookies are kept per host name, not port, and sent under their path', () => {
  const jar = new CookieJar();
  jar.store(new URL('http://localhost:7007/api/auth/oidc/start'), [
    'oidc-nonce=abc; Path=/api/auth/oidc/handler; HttpOnly',
  ]);
  jar.store(new URL('http://localhost:7009/auth'), [
    '_interaction=xyz; path=/interaction/1',
  ]);
  assert.equal(
    jar.header(new URL('http://localhost:7007/api/auth/oidc/handler/frame')),
    'oidc-nonce=abc',
  );
  assert.equal(jar.header(new URL('http://localhost:7007/api/catalog')), '');
  assert.equal(
    jar.header(new URL('http://localhost:7009/interaction/1/login')),
    '_interaction=xyz',
  );
  assert.equal(jar.header(new URL('http://127.0.0.1:7009/interaction/1')), '');
});

test('an expired cookie is removed', () => {
  const jar = new CookieJar();
  const url = new URL('http://localhost:7009/');
  jar.store(url, ['s=1; Path=/']);
  jar.store(url, ['s=; Path=/; Max-Age=0']);
  assert.equal(jar.header(url), '');
});
