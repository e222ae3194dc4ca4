/**
 * Prints a Backstage user token for a demo user by walking the real sign-in:
 * the portal's OIDC start → the development provider's login form → back to
 * the portal's handler, exactly as a browser would.
 *
 *   node packages/dev-idp/src/token.ts alice
 */
import { fileURLToPath } from 'node:url';
import { CookieJar } from './cookieJar.ts';
import { devIdpSettings } from './settings.ts';

export async function signIn(options: {
  user: string;
  password: string;
  backendUrl: string;
  /** The portal's `auth.environment`: the provider's config it signs in with. */
  authEnvironment?: string;
}): Promise<string> {
  const jar = new CookieJar();

  async function request(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(url, res.headers.getSetCookie());
    return res;
  }

  /** Follows redirects by hand so every hop's cookies land in the jar. */
  async function follow(start: URL, init?: RequestInit): Promise<Response> {
    let res = await request(start, init);
    let url = start;
    for (let hops = 0; res.status >= 300 && res.status < 400; hops++) {
      if (hops > 20) throw new Error('too many redirects');
      url = new URL(res.headers.get('location')!, url);
      res = await request(url);
    }
    Object.defineProperty(res, 'finalUrl', { value: url });
    return res;
  }

  const start = new URL('/api/auth/oidc/start', options.backendUrl);
  start.searchParams.set('env', options.authEnvironment ?? 'development');
  start.searchParams.set('scope', 'openid profile email');
  const loginForm = await follow(start);
  const formUrl = (loginForm as Response & { finalUrl: URL }).finalUrl;
  const html = await loginForm.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) {
    throw new Error(
      `expected the provider's login form at ${formUrl}, got HTTP ${loginForm.status}`,
    );
  }

  const done = await follow(new URL(action, formUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      login: options.user,
      password: options.password,
    }).toString(),
  });
  const page = await done.text();
  if (done.status === 401) throw new Error('wrong user name or password');
  return backstageTokenFromHandlerPage(page, done.status);
}

/** The handler page hands its result to the opener as URI-encoded JSON. */
export function backstageTokenFromHandlerPage(
  page: string,
  status: number,
): string {
  const encoded = /decodeURIComponent\('([^']+)'\)/.exec(page)?.[1];
  const message = encoded
    ? (JSON.parse(decodeURIComponent(encoded)) as {
        type: string;
        response?: { backstageIdentity?: { token?: string } };
        error?: { message?: string };
      })
    : undefined;
  const token = message?.response?.backstageIdentity?.token;
  if (!token) {
    throw new Error(
      `sign-in did not return a Backstage token (HTTP ${status}${
        message?.error?.message ? `: ${message.error.message}` : ''
      })`,
    );
  }
  return token;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const user = process.argv[2];
  if (!user) {
    process.stderr.write('usage: token.ts <demo user>\n');
    process.exit(2);
  }
  const settings = devIdpSettings(process.env);
  signIn({
    user,
    password: settings.password,
    backendUrl: settings.backendUrl,
    authEnvironment: process.env.AIGC_AUTH_ENVIRONMENT,
  })
    .then(token => process.stdout.write(`${token}\n`))
    .catch(error => {
      process.stderr.write(`token: ${error.message}\n`);
      process.exit(1);
    });
}
