import { expect, test } from '@playwright/test';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('the token command walks the real sign-in and its token works on the API', async ({
  request,
}) => {
  for (const user of ['alice', 'carol']) {
    const { stdout } = await run('scripts/token.sh', [user]);
    const token = stdout.trim();
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString(),
    );
    expect(payload.sub).toBe(`user:default/${user}`);

    const res = await request.get(
      'http://localhost:7007/api/aigc-gateway/templates',
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(res.status()).toBe(200);
    expect((await res.json()).items.map((t: { id: string }) => t.id)).toContain(
      'sample-engine',
    );
  }
});

test('the token command refuses a wrong password', async () => {
  await expect(
    run('scripts/token.sh', ['bob'], {
      env: { ...process.env, AIGC_DEV_IDP_PASSWORD: 'wrong' },
    }),
  ).rejects.toMatchObject({
    code: 1,
    stderr: 'token: wrong user name or password\n',
  });
});

test('a broken aigcGateway config stops the backend with one line naming the key', async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'aigc-config-'));
  const broken = join(dir, 'broken.yaml');
  writeFileSync(
    broken,
    [
      'backend:',
      '  listen: { port: 7107 }',
      '  database: { client: better-sqlite3, connection: ":memory:" }',
      'aigcGateway:',
      '  pools: [{ id: local, title: Local, gpuType: none, pricePerHour: 0 }]',
      '  templates:',
      '    - id: sample-engine',
      '      title: Sample',
      '      owner: group:default/aigc-admins',
      '      kind: sd-webui',
      '      versions: [{ version: 1.0.0, pools: [h100] }]',
    ].join('\n'),
  );
  // The development backend reports the failure and then waits for a file
  // change instead of exiting; read its output, then stop it.
  const backend = spawn(
    'scripts/bin/yarn',
    [
      'workspace',
      'backend',
      'start',
      '--config',
      '../../app-config.yaml',
      '--config',
      broken,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  backend.stdout.on('data', chunk => (output += chunk));
  backend.stderr.on('data', chunk => (output += chunk));
  try {
    await expect
      .poll(() => output.includes('Backend startup failed'), {
        timeout: 150_000,
      })
      .toBe(true);
    // It never became ready to serve.
    const readiness = await fetch(
      'http://localhost:7107/.backstage/health/v1/readiness',
    ).then(
      r => r.status,
      () => 'refused',
    );
    expect(readiness).not.toBe(200);
  } finally {
    process.kill(-backend.pid!, 'SIGKILL');
  }
  const lines = output
    .split('\n')
    .filter(l => l.includes('Invalid aigcGateway configuration'));
  expect(lines[0]).toContain(
    'aigcGateway.templates[0].versions[0].pools[0]: unknown pool "h100" (configured pools: local)',
  );
});
