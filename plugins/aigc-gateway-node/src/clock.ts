import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';

/**
 * Where the gateway and its runtimes take the current time from: every
 * recorded time (state changes, activity, usage intervals, prices, budgets,
 * release windows) comes from it, so tests can run the whole backend at any
 * date. Durations measured within one process (timeouts, cache ages) use a
 * monotonic timer instead.
 *
 * @public
 */
export interface GatewayClock {
  now(): Date;
}

/** @public */
export const systemClock: GatewayClock = { now: () => new Date() };

/**
 * The clock service, the system clock unless a test installs another.
 *
 * @public
 */
export const gatewayClockServiceRef = createServiceRef<GatewayClock>({
  id: 'aigc-gateway.clock',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => systemClock,
    }),
});
