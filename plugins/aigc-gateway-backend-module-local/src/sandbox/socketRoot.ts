import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Unix socket's path must fit in 108 bytes (`sun_path`), its end included. */
const MAX_SOCKET_PATH = 107;

/**
 * The folder of the engines' sockets for a data root: short, since a data
 * root deep in an app's tree would make socket paths too long to connect
 * to, and private to the backend's user. One a gateway did not make itself
 * (another user's, or a link) is refused.
 */
export function socketRoot(dataRoot: string): string {
  const dir = join(
    tmpdir(),
    `aigc-${createHash('sha256').update(dataRoot).digest('hex').slice(0, 12)}`,
  );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (
    !stat.isDirectory() ||
    stat.uid !== process.getuid?.() ||
    (stat.mode & 0o077) !== 0
  ) {
    throw new Error(
      `${dir} is not a private folder of this user; remove it so that the local runtime can make its engines' sockets there`,
    );
  }
  // An instance's folder and socket: `<dir>/<instance id>/engine.sock`.
  if (
    join(dir, '00000000-0000-0000-0000-000000000000', 'engine.sock').length >
    MAX_SOCKET_PATH
  )
    throw new Error(
      `${dir} is too long a path for the engines' sockets; set TMPDIR to a shorter folder`,
    );
  return dir;
}
