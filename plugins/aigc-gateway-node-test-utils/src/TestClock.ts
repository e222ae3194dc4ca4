import { createServiceFactory } from '@backstage/backend-plugin-api';
import { performance } from 'node:perf_hooks';
import {
  GatewayClock,
  gatewayClockServiceRef,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** Where test clocks start unless a test says otherwise: a Monday, 10:00 in Berlin. */
const TEST_EPOCH = '2026-11-23T09:00:00Z';

/**
 * A clock a test controls: it starts at a fixed instant and, unless frozen,
 * runs on at the speed of a monotonic timer, so engines that really start
 * and stop see time pass, while nothing depends on the real date. `set` and
 * `advance` move it.
 *
 * @public
 */
export class TestClock implements GatewayClock {
  private base: number;
  private since = performance.now();

  constructor(
    start: Date | string = TEST_EPOCH,
    private readonly options: { frozen?: boolean } = {},
  ) {
    this.base = new Date(start).getTime();
    if (Number.isNaN(this.base))
      throw new Error(`TestClock: not a time: ${start}`);
  }

  now(): Date {
    const elapsed = this.options.frozen ? 0 : performance.now() - this.since;
    return new Date(this.base + Math.floor(elapsed));
  }

  set(at: Date | string) {
    this.base = new Date(at).getTime();
    this.since = performance.now();
  }

  advance(ms: number) {
    this.set(new Date(this.now().getTime() + ms));
  }

  /** Installs this clock as the gateway's clock service in a test backend. */
  factory() {
    return createServiceFactory({
      service: gatewayClockServiceRef,
      deps: {},
      factory: () => this,
    });
  }
}
