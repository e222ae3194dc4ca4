import WebSocket from 'ws';

/**
 * Opens a WebSocket, sends "hello" and resolves with the first reply (and
 * the socket, left open with `keepOpen`), or with the refusal status: -1 on
 * a connection error, -2 when nothing came within 5 s.
 */
export function talk(
  url: string,
  headers: Record<string, string>,
  options: { keepOpen?: boolean } = {},
) {
  return new Promise<{ reply?: unknown; status?: number; socket?: WebSocket }>(
    resolve => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => ws.send('hello'));
      ws.on('message', data => {
        const reply = JSON.parse(String(data));
        if (options.keepOpen) {
          resolve({ reply, socket: ws });
        } else {
          ws.close();
          resolve({ reply });
        }
      });
      ws.on('unexpected-response', (_req, res) =>
        resolve({ status: res.statusCode }),
      );
      ws.on('error', () => resolve({ status: -1 }));
      setTimeout(() => resolve({ status: -2 }), 5000);
    },
  );
}
