import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readDemoUsers } from './users.ts';

test('the demo users are the User entities of examples/org.yaml', () => {
  const users = readDemoUsers(
    fileURLToPath(new URL('../../../examples/org.yaml', import.meta.url)),
  );
  assert.deepEqual(users, [
    { name: 'alice', email: 'alice@example.com', displayName: 'Alice Creator' },
    { name: 'bob', email: 'bob@example.com', displayName: 'Bob Creator' },
    { name: 'carol', email: 'carol@example.com', displayName: 'Carol Admin' },
  ]);
});
