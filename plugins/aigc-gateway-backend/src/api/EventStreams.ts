import { TooManyRequestsError } from '../gateway/errors';

/**
 * How many event streams each user holds open on this replica. Each stream
 * reads the database twice a second for as long as it is open, so one user
 * (or a script with their token) may not open them without bound.
 */
export class EventStreams {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerUser = 16) {}

  /** Counts a stream of `user`; the returned function ends it, once. */
  acquire(user: string): () => void {
    const count = this.open.get(user) ?? 0;
    if (count >= this.maxPerUser)
      throw new TooManyRequestsError(
        `${user} has ${count} event streams open, the most allowed; close some tabs of the portal`,
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
