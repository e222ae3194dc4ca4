import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../../errorPage';

/** The gateway's own paths at an engine's origin; the engine never sees them. */
export const WAKE_PATHS = {
  status: '/.aigc-gateway/status',
  wake: '/.aigc-gateway/wake',
} as const;

/** A page of the gateway at an engine's origin, with the headers it goes out with. */
export interface WakePage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface PageText {
  title: string;
  lines: string[];
  /** Offers to start the engine (a form posting to the wake path). */
  startButton?: string;
  /** Follows the instance until it runs, then goes on to `next`. */
  follow?: boolean;
}

/**
 * One page: the text, a start button and, when following, a script that
 * polls the status path and goes on to the engine at `next` once it runs.
 */
export function wakePage(
  status: number,
  next: string,
  portalUrl: string,
  text: PageText,
): WakePage {
  const nonce = randomBytes(16).toString('base64');
  const action = `${WAKE_PATHS.wake}?next=${encodeURIComponent(next)}`;
  const button = (label: string) =>
    `<form method="post" action="${escapeHtml(
      action,
    )}"><button type="submit">${escapeHtml(label)}</button></form>`;
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(
    text.title,
  )} · AIGC Gateway</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
#progress{color:#444}button{font-size:1rem;padding:.4rem 1rem}a{color:#1565c0}</style></head>
<body><h1 id="title">${escapeHtml(text.title)}</h1>
${text.lines.map(l => `<p>${escapeHtml(l)}</p>`).join('\n')}
<p id="progress" role="status"></p>
<div id="start"${text.startButton ? '' : ' hidden'}>${button(
    text.startButton ?? 'Start it again',
  )}</div>
<p><a href="${escapeHtml(
    portalUrl,
  )}">Go to the AIGC Gateway in the portal</a></p>
${text.follow ? `<script nonce="${nonce}">${followScript(next)}</script>` : ''}
</body></html>
`;
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      'referrer-policy': 'no-referrer',
    },
    body,
  };
}

/** A value as a JavaScript literal that cannot end the script element it is in. */
const scriptLiteral = (value: string) =>
  JSON.stringify(value).replace(/</g, '\\u003c');

/** Polls the status path each second; on `running` goes on to `next`, on a stop offers to start again. */
function followScript(next: string): string {
  return `
const next = ${scriptLiteral(next)};
const progress = document.getElementById('progress');
async function poll() {
  try {
    const res = await fetch(${scriptLiteral(
      WAKE_PATHS.status,
    )}, { cache: 'no-store' });
    const s = await res.json();
    if (s.state === 'running') { location.replace(next); return; }
    const where = s.queuePosition ? ' (number ' + s.queuePosition + ' in the queue)' : '';
    progress.textContent = s.state + where + (s.message ? ': ' + s.message : '');
    if (s.state === 'released' || s.state === 'failed') {
      progress.textContent = (s.failureReason || s.message || s.state);
      document.getElementById('start').hidden = false;
      return;
    }
  } catch (e) {
    progress.textContent = 'waiting for the gateway…';
  }
  setTimeout(poll, 1000);
}
poll();
`;
}
