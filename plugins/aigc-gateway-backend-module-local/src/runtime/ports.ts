import { createServer } from 'node:net';

/** True when nothing listens on the port (another program may hold it). */
function isFree(port: number, host: string): Promise<boolean> {
  return new Promise(resolve => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Hands out ports from a configured range, skipping those in use. */
export class PortAllocator {
  private readonly taken = new Set<number>();

  constructor(
    private readonly range: { from: number; to: number },
    private readonly host: string,
  ) {}

  /** Marks a port as used by an engine this runtime adopted. */
  reserve(port: number) {
    this.taken.add(port);
  }

  async allocate(): Promise<number> {
    for (let port = this.range.from; port <= this.range.to; port++) {
      if (this.taken.has(port)) continue;
      this.taken.add(port);
      if (await isFree(port, this.host)) return port;
      this.taken.delete(port);
    }
    throw new Error(
      `no free port in ${this.range.from}-${this.range.to} for another engine`,
    );
  }

  release(port: number) {
    this.taken.delete(port);
  }
}
