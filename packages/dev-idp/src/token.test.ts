import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backstageTokenFromHandlerPage } from './token.ts';

function handlerPage(message: unknown): string {
  return `<html><body><script>var authResponse = decodeURIComponent('${encodeURIComponent(
    JSON.stringify(message),
  )}');</script></body></html>`;
}

test('reads the Backstage token from the sign-in handler page', () => {
  const page = handlerPage({
    type: 'authorization_response',
    response: { backstageIdentity: { token: 'eyJ.token' } },
  });
  assert.equal(backstageTokenFromHandlerPage(page, 200), 'eyJ.token');
});

test('reports the error the handler page carries', () => {
  const page = handlerPage({
    type: 'authorization_response',
    error: {
      name: 'Error',
      message: 'Failed to sign-in, unable to resolve user identity',
    },
  });
  assert.throws(
    () => backstageTokenFromHandlerPage(page, 200),
    /unable to resolve user identity/,
  );
});

test('a page without a result is an error, not an empty token', () => {
  assert.throws(
    () => backstageTokenFromHandlerPage('<html></html>', 500),
    /HTTP 500/,
  );
});
