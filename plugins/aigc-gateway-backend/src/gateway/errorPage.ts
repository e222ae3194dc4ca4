import http from 'node:http';
import { errorBody, errorStatus } from './errors';

const titles: Record<number, { title: string; advice: string }> = {
  401: {
    title: 'Sign in first',
    advice:
      'Engines open for signed-in portal users. Sign in to the portal, then open the engine from there.',
  },
  404: {
    title: 'This engine is not yours',
    advice:
      'This engine instance does not exist, or it belongs to someone else: each instance opens only for its owner. Launch your own from the portal.',
  },
  409: {
    title: 'This engine is not running',
    advice:
      'Launch it again from the portal; its data is kept while it is released.',
  },
  502: {
    title: 'The engine did not answer',
    advice:
      'It may be starting or may have stopped. Its state and log are in the portal.',
  },
};

/** Text made safe to put in HTML. */
export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );

/** Whether a person navigated here (a page load), rather than a script calling the engine's API. */
export function wantsPage(req: http.IncomingMessage): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    /\btext\/html\b/.test(req.headers.accept ?? '')
  );
}

/** The page a browser shows when the gateway cannot open an engine: what happened and where to go. */
export function errorPage(
  status: number,
  message: string,
  portalUrl: string,
): string {
  const { title, advice } = titles[status] ?? {
    title: 'The engine cannot be opened',
    advice: '',
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(
    title,
  )} · AIGC Gateway</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
p.detail{color:#666;font-size:.9rem}a{color:#1565c0}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(advice)}</p>
<p class="detail">${escapeHtml(message)} (HTTP ${status})</p>
<p><a href="${escapeHtml(
    portalUrl,
  )}">Go to the AIGC Gateway in the portal</a></p></body></html>
`;
}

/** Answers a failed gateway request: a page for a person, Backstage's JSON error body for a script. */
export function answerError(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  error: Error,
  portalUrl: string,
) {
  const status = errorStatus(error);
  res.removeHeader('content-security-policy');
  if (wantsPage(req)) {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(errorPage(status, error.message, portalUrl));
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(errorBody(error, status));
}
