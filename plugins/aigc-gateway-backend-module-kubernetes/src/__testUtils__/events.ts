import { RuntimeEvent } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { eventually } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

export { eventually };

/** Records a runtime's events and waits for the one a test expects. */
export class EventLog {
  readonly events: RuntimeEvent[] = [];

  readonly listener = (event: RuntimeEvent) => {
    this.events.push(event);
  };

  of(instanceId: string): RuntimeEvent[] {
    return this.events.filter(e => e.instanceId === instanceId);
  }

  /** The first event, seen or coming, that matches. */
  waitFor(
    match: (event: RuntimeEvent) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<RuntimeEvent> {
    return eventually(() => {
      const event = this.events.find(match);
      if (!event) {
        const seen = this.events.map(
          e => `${e.instanceId.slice(0, 8)} ${e.phase}: ${e.reason}`,
        );
        throw new Error(
          `no event "${what}" within ${timeoutMs} ms; seen:\n${seen.join(
            '\n',
          )}`,
        );
      }
      return event;
    }, timeoutMs);
  }
}
