/**
 * A cookie jar as a browser keeps one for http://localhost: cookies are per
 * host name (not port) and sent on paths under their Path.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(url: URL, setCookies: string[]) {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const pathAttr = attributes
        .map(a => a.trim())
        .find(a => a.toLowerCase().startsWith('path='));
      const path = pathAttr ? pathAttr.slice(5) : '/';
      const key = `${url.hostname}|${path}|${name}`;
      const expired = attributes.some(a =>
        /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a),
      );
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }

  header(url: URL): string {
    const parts: string[] = [];
    for (const [key, cookie] of this.cookies) {
      const [host, , name] = key.split('|');
      if (host === url.hostname && url.pathname.startsWith(cookie.path)) {
        parts.push(`${name}=${cookie.value}`);
      }
    }
    return parts.join('; ');
  }
}
