import { createHash } from 'node:crypto';
import { encodePng } from './png.ts';

export interface RenderRequest {
  prompt: string;
  seed: number;
  width: number;
  height: number;
}

/**
 * Draws an image from the prompt and seed alone: the same request always
 * gives the same bytes. It is a stand-in for a diffusion model, not one —
 * soft colour fields and circles whose colours and places come from a hash.
 */
export function render(request: RenderRequest): Buffer {
  const { width, height } = request;
  const hash = createHash('sha256')
    .update(`${request.seed}\u0000${request.prompt}`)
    .digest();
  const byte = (i: number) => hash[i % hash.length];
  const circles = Array.from({ length: 5 }, (_, i) => ({
    x: (byte(i * 5) / 255) * width,
    y: (byte(i * 5 + 1) / 255) * height,
    r: ((byte(i * 5 + 2) / 255) * 0.3 + 0.05) * Math.min(width, height),
    colour: [byte(i * 5 + 3), byte(i * 5 + 4), byte(i * 5 + 7)],
  }));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      rgb[o] = (byte(20) + (x * 255) / width) % 256;
      rgb[o + 1] = (byte(21) + (y * 255) / height) % 256;
      rgb[o + 2] = byte(22);
      for (const c of circles) {
        if ((x - c.x) ** 2 + (y - c.y) ** 2 < c.r ** 2) {
          rgb[o] = c.colour[0];
          rgb[o + 1] = c.colour[1];
          rgb[o + 2] = c.colour[2];
        }
      }
    }
  }
  return encodePng(width, height, rgb);
}
