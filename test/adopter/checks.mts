/**
 * Checks the gateway in the adopter's app over HTTP, signed in with
 * create-app's own guest provider.
 *
 *   node checks.mts full <backend url> <template id>
 *     /templates answers 200 with the template; a launch on the local
 *     runtime reaches `running`, the engine answers through the gateway's
 *     proxy, then the instance is released and deleted with its data.
 *   node checks.mts backend-only <backend url> <template id> <module package>
 *     /templates answers 200 with the template; a launch answers 503 with a
 *     message that names the runtime module to add.
 *
 * Each check prints one JSON line {check, ok, ms, detail}; the exit code is
 * 1 when one failed.
 */

const TIMEOUT = Number(process.env.AIGC_ADOPTER_CHECK_TIMEOUT_MS ?? 120_000);

interface Outcome {
  check: string;
  ok: boolean;
  ms: number;
  detail: string;
}
const outcomes: Outcome[] = [];

class CheckFailed extends Error {}

async function check(name: string, run: () => Promise<string>) {
  const started = Date.now();
  let outcome: Outcome;
  try {
    outcome = { check: name, ok: true, ms: 0, detail: await run() };
  } catch (e) {
    outcome = {
      check: name,
      ok: false,
      ms: 0,
      detail: String((e as Error).message ?? e),
    };
  }
  outcome.ms = Date.now() - started;
  outcomes.push(outcome);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  if (!outcome.ok) throw new CheckFailed(name);
}

async function call(
  url: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; text: string; json: any }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new Error(
      `${init.method ?? 'GET'} ${url}: ${(e as Error).message}${
        cause ? ` (${cause})` : ''
      }`,
    );
  }
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

const short = (text: string) => text.replace(/\s+/g, ' ').slice(0, 400);

async function guestToken(backend: string) {
  const res = await call(`${backend}/api/auth/guest/refresh`, {
    method: 'POST',
  });
  const token = res.json?.backstageIdentity?.token;
  if (res.status !== 200 || !token)
    throw new Error(`guest sign-in: HTTP ${res.status} ${short(res.text)}`);
  return token as string;
}

/** create-app's guest sign-in, as a check of its own. */
async function signIn(backend: string, prefix = '') {
  let token = '';
  await check(`${prefix}guest sign-in`, async () => {
    token = await guestToken(backend);
    return 'POST /api/auth/guest/refresh: 200 with a token';
  });
  return token;
}

async function templatesOk(api: string, token: string, templateId: string) {
  const res = await call(`${api}/templates`, { token });
  if (res.status !== 200)
    throw new Error(`GET /templates: HTTP ${res.status} ${short(res.text)}`);
  const list = Array.isArray(res.json) ? res.json : res.json?.items;
  const ids = (list ?? []).map((t: { id: string }) => t.id);
  if (!ids.includes(templateId))
    throw new Error(
      `GET /templates: 200 without "${templateId}" (got ${
        ids.join(', ') || 'none'
      })`,
    );
  return `200, templates: ${ids.join(', ')}`;
}

async function waitForState(
  api: string,
  token: string,
  id: string,
  wanted: string,
  stopOn: string[],
) {
  const deadline = Date.now() + TIMEOUT;
  let last = '';
  while (Date.now() < deadline) {
    const res = await call(`${api}/instances/${id}`, { token });
    last = res.json?.state ?? `HTTP ${res.status}`;
    if (last === wanted) return res.json;
    if (stopOn.includes(last))
      throw new Error(
        `instance ${id} is ${last}, not ${wanted}: ${
          res.json?.failureReason ?? short(res.text)
        }`,
      );
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(
    `instance ${id} not ${wanted} within ${TIMEOUT / 1000} s (last: ${last})`,
  );
}

async function full(backend: string, templateId: string) {
  const api = `${backend}/api/aigc-gateway`;
  const token = await signIn(backend);
  await check('templates', () => templatesOk(api, token, templateId));

  let id = '';
  await check('launch reaches running', async () => {
    const res = await call(`${api}/instances`, {
      method: 'POST',
      token,
      body: JSON.stringify({ templateId }),
    });
    if (![200, 201, 202].includes(res.status) || !res.json?.id)
      throw new Error(`POST /instances: HTTP ${res.status} ${short(res.text)}`);
    id = res.json.id;
    const started = Date.now();
    await waitForState(api, token, id, 'running', [
      'failed',
      'released',
      'deleted',
    ]);
    return `HTTP ${res.status}, instance ${id} running after ${
      Date.now() - started
    } ms`;
  });

  try {
    await check('proxy to the engine', async () => {
      const seen: string[] = [];
      for (const path of ['internal/ping', 'sdapi/v1/progress']) {
        const res = await call(`${api}/instances/${id}/proxy/${path}`, {
          token,
        });
        if (res.status !== 200)
          throw new Error(
            `GET …/proxy/${path}: HTTP ${res.status} ${short(res.text)}`,
          );
        seen.push(`/${path} 200`);
      }
      return seen.join(', ');
    });
  } finally {
    if (id) {
      await check('release', async () => {
        const res = await call(`${api}/instances/${id}/release`, {
          method: 'POST',
          token,
        });
        if (res.status !== 200)
          throw new Error(
            `POST /release: HTTP ${res.status} ${short(res.text)}`,
          );
        await waitForState(api, token, id, 'released', ['failed', 'deleted']);
        const del = await call(`${api}/instances/${id}?deleteData=true`, {
          method: 'DELETE',
          token,
        });
        if (del.status >= 300)
          throw new Error(`DELETE: HTTP ${del.status} ${short(del.text)}`);
        return `released, then deleted with its data (HTTP ${del.status})`;
      });
    }
  }
}

async function backendOnly(
  backend: string,
  templateId: string,
  module: string,
) {
  const api = `${backend}/api/aigc-gateway`;
  const token = await signIn(backend, 'backend only: ');
  await check('backend only: templates', () =>
    templatesOk(api, token, templateId),
  );
  await check('backend only: launch refused with 503', async () => {
    const res = await call(`${api}/instances`, {
      method: 'POST',
      token,
      body: JSON.stringify({ templateId }),
    });
    const message: string = res.json?.error?.message ?? res.text;
    if (res.status !== 503)
      throw new Error(
        `POST /instances: HTTP ${res.status}, wanted 503: ${short(res.text)}`,
      );
    if (!message.includes(module))
      throw new Error(
        `503 without the module's name "${module}": ${short(message)}`,
      );
    return `503: ${short(message)}`;
  });
}

async function main([command, backend, templateId, module]: string[]) {
  if (!backend || !templateId)
    throw new Error('usage: see the comment at the top');
  if (command === 'full') return full(backend, templateId);
  if (command === 'backend-only' && module)
    return backendOnly(backend, templateId, module);
  throw new Error(`unknown command ${command}`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  e => {
    if (!(e instanceof CheckFailed))
      process.stderr.write(`checks.mts: ${e.message ?? e}\n`);
    process.exit(1);
  },
);
