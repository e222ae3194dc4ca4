/**
 * The development OpenID provider: a real OIDC server (the `oidc-provider`
 * library) with the demo users of examples/org.yaml, so the portal signs in
 * through the same Backstage OIDC module that production uses with Logto,
 * Keycloak or Entra.
 *
 * Environment: AIGC_DEV_IDP_PORT (7009), AIGC_DEV_IDP_PASSWORD (shared demo
 * password), AIGC_DEV_IDP_CLIENT_SECRET, AIGC_BACKEND_URL (http://localhost:7007),
 * AIGC_ORG_FILE (examples/org.yaml).
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Provider from 'oidc-provider';
import { readDemoUsers } from './users.ts';
import { errorPage, loginPage } from './pages.ts';
import { devIdpSettings } from './settings.ts';
import { loadSigningKey } from './signingKey.ts';

const settings = devIdpSettings(process.env);
const users = readDemoUsers(settings.orgFile);
const byName = new Map(users.map(u => [u.name, u]));

const provider = new Provider(settings.issuer, {
  jwks: { keys: [loadSigningKey(settings.keyFile)] },
  clients: [
    {
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      client_name: 'AIGC Gateway portal',
      redirect_uris: [`${settings.backendUrl}/api/auth/oidc/handler/frame`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  async findAccount(_ctx, id) {
    const user = byName.get(id);
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: user.email,
          email_verified: true,
          name: user.displayName,
          preferred_username: id,
        };
      },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  // Put the claims in the ID token too, so no client depends on userinfo.
  conformIdTokenClaims: false,
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: false } },
  interactions: {
    url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = errorPage(
      `${out.error}: ${out.error_description ?? 'the request was refused'}`,
    );
  },
});
// Served on plain http://localhost in development only.
provider.proxy = false;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function sendHtml(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

/** First-party client: consent is granted for what it asked, as Logto does for its own apps. */
async function grantConsent(req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  const accountId = details.session!.accountId;
  const grant = details.grantId
    ? (await provider.Grant.find(details.grantId))!
    : new provider.Grant({
        accountId,
        clientId: details.params.client_id as string,
      });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope)
    grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(
    missing.missingResourceScopes ?? {},
  )) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

async function handleInteraction(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  action: string | undefined,
) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    sendHtml(res, 400, errorPage('This sign-in request is no longer valid.'));
    return;
  }
  if (details.prompt.name === 'consent') {
    await grantConsent(req, res);
    return;
  }
  const clientName = 'the AIGC Gateway portal';
  const userNames = users.map(u => u.name);
  if (req.method === 'GET') {
    sendHtml(res, 200, loginPage({ uid, clientName, users: userNames }));
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const login = (form.get('login') ?? '').trim();
    const user = byName.get(login);
    if (!user || form.get('password') !== settings.password) {
      sendHtml(
        res,
        401,
        loginPage({
          uid,
          clientName,
          users: userNames,
          login,
          error: 'Wrong user name or password.',
        }),
      );
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.name } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  sendHtml(res, 405, errorPage(`${req.method} is not allowed here.`));
}

const callback = provider.callback();

export const server = createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(\w+))?\/?$/.exec(
    new URL(req.url ?? '/', settings.issuer).pathname,
  );
  if (!match) {
    callback(req, res);
    return;
  }
  handleInteraction(req, res, match[1], match[2]).catch(error => {
    const message =
      error instanceof Error ? error.message : 'the sign-in request failed';
    if (!res.headersSent) sendHtml(res, 400, errorPage(message));
  });
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  server.listen(settings.port, settings.host, () => {
    process.stdout.write(
      `Development OpenID provider at ${settings.issuer} for ${users
        .map(u => u.name)
        .join(', ')}\n`,
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
