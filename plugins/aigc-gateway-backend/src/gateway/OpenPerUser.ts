import { TooManyRequestsError } from './errors';

/**
 * How many long-lived things (event streams, WebSockets) each user holds
 * open on this replica, bounded so that one user, or a script with their
 * token, cannot hold them without end.
 */
export class OpenPerUser {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly max: number,
    /** What is counted, as a refusal names it, e.g. "event streams". */
    private readonly what: string,
    /** What to do about a refusal, appended to its message. */
    private readonly hint = '',
  ) {}

  /** Counts one for `user`, or throws 429 past the bound; the returned function ends it, once. */
  acquire(user: string): () => void {
    const count = this.open.get(user) ?? 0;
    if (count >= this.max)
      throw new TooManyRequestsError(
        `${user} has ${count} ${this.what} open, the most allowed${this.hint}`,
      );
    this.open.set(user, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(user) ?? 1) - 1;
      if (left > 0) this.open.set(user, left);
      else this.open.delete(user);
    };
  }
}
