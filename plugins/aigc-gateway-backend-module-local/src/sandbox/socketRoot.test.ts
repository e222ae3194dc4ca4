import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { socketRoot } from './socketRoot';

describe('socketRoot', () => {
  it('gives a data root however deep a short private folder, the same one each time', () => {
    const deep = `/srv/${'portal/'.repeat(30)}packages/backend/.aigc-gateway`;
    const dir = socketRoot(deep);
    try {
      expect(socketRoot(deep)).toBe(dir);
      expect(socketRoot(`${deep}-other`)).not.toBe(dir);
      const socket = join(
        dir,
        '3f0c2f9e-1b7e-4a35-9a39-2a8c6a1e8f10',
        'engine.sock',
      );
      expect(socket.length).toBeLessThanOrEqual(107);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a folder that others may open', () => {
    const dir = socketRoot('/srv/shared');
    try {
      chmodSync(dir, 0o755);
      expect(() => socketRoot('/srv/shared')).toThrow(
        'is not a private folder of this user',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
