import http from 'node:http';
import { asUser } from './gateway';

/** Posts through the path-form proxy; each chunk of the answer with the time it came. */
export function streamed(port: number, path: string, body: object) {
  return new Promise<{
    type?: string;
    chunks: Array<{ at: number; text: string }>;
  }>((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          authorization: asUser('alice'),
          'content-type': 'application/json',
        },
      },
      res => {
        const chunks: Array<{ at: number; text: string }> = [];
        res.on('data', chunk =>
          chunks.push({ at: performance.now() - started, text: String(chunk) }),
        );
        res.on('end', () =>
          resolve({ type: res.headers['content-type'], chunks }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
