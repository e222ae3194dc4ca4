import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** Sends a text message on an accepted WebSocket. */
export type SendText = (message: string) => void;

/**
 * A minimal WebSocket endpoint (RFC 6455, text frames, no extensions), enough
 * for an engine's live channel: each text message is answered by `reply`
 * (when it answers), and the engine may send at any time with the function
 * it returns (undefined when the upgrade was refused).
 */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  reply: (message: string) => string | undefined,
): SendText | undefined {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1')
    .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
    .digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0] & 0x0f;
      const masked = (buffer[1] & 0x80) !== 0;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        socket.destroy(); // frames this large are not for a sample engine
        return;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + length) return;
      const payload = Buffer.from(buffer.subarray(offset, offset + length));
      if (masked) {
        for (let i = 0; i < payload.length; i++)
          payload[i] ^= buffer[maskOffset + (i % 4)];
      }
      buffer = buffer.subarray(offset + length);
      if (opcode === 0x8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      if (opcode === 0x9) socket.write(frame(payload, 0xa));
      if (opcode === 0x1) {
        const answer = reply(payload.toString('utf8'));
        if (answer !== undefined) socket.write(frame(Buffer.from(answer), 0x1));
      }
    }
  });
  socket.on('error', () => socket.destroy());
  return message => {
    if (!socket.destroyed) socket.write(frame(Buffer.from(message), 0x1));
  };
}

function frame(payload: Buffer, opcode: number): Buffer {
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : Buffer.from([
          0x80 | opcode,
          126,
          payload.length >> 8,
          payload.length & 0xff,
        ]);
  return Buffer.concat([header, payload]);
}
