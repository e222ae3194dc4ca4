import { InstanceStore } from '../store/InstanceStore';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * Remembers the last proxied activity per instance in memory and writes it
 * to the database every few seconds, not once per request.
 */
export class ActivityRecorder {
  private readonly pending = new Map<string, Date>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: InstanceStore,
    private readonly clock: GatewayClock,
    private readonly flushMs = 5000,
  ) {}

  start() {
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  mark(instanceId: string, at = this.clock.now()) {
    this.pending.set(instanceId, at);
  }

  async flush() {
    const batch = [...this.pending];
    this.pending.clear();
    for (const [instanceId, at] of batch) {
      await this.store.touch(instanceId, at);
    }
  }

  async stop() {
    clearInterval(this.timer);
    await this.flush();
  }
}
