/** Minimal HTML for the provider's own pages; no engine or portal code runs here. */

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(
    title,
  )}</title><style>
body{font-family:sans-serif;max-width:420px;margin:60px auto;color:#222}
label{display:block;margin:12px 0 4px}input{width:100%;padding:8px;box-sizing:border-box}
button{margin-top:16px;padding:8px 16px}.error{color:#b00020;border:1px solid #b00020;padding:8px}
</style></head><body>${body}</body></html>`;
}

export function loginPage(options: {
  uid: string;
  clientName: string;
  users: string[];
  error?: string;
  login?: string;
}): string {
  const error = options.error
    ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>`
    : '';
  return page(
    'Sign in',
    `<h1>Sign in to ${escapeHtml(options.clientName)}</h1>${error}
<form method="post" action="/interaction/${escapeHtml(options.uid)}/login">
<label for="login">User name</label>
<input id="login" name="login" autocomplete="username" value="${escapeHtml(
      options.login ?? '',
    )}" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button>
</form>
<p>Development provider. Demo users: ${options.users
      .map(escapeHtml)
      .join(', ')}.</p>`,
  );
}

export function errorPage(message: string): string {
  return page(
    'Sign-in error',
    `<h1>Sign-in error</h1><p class="error" role="alert">${escapeHtml(
      message,
    )}</p>`,
  );
}
