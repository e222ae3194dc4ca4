import http from 'node:http';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { InstanceRecord, InstanceStore } from '../../../store/InstanceStore';
import { errorBody, errorStatus } from '../../errors';
import { IngressGrant } from '../../ingress/IngressTokens';
import { WAKE_PATHS, WakePage, wakePage } from './wakePages';
import { AuditTrail } from '../../../audit/AuditTrail';

/** What API clients send to wake an engine they call; without it they wake nothing. */
export const WAKE_HEADER = 'x-aigc-gateway-wake';
/** The cause the usage ledger records for an interval a wake opened. */
export const WAKE_CAUSE = 'woken on access';
const RETRY_AFTER_SECONDS = 5;
/** An owner's own release this recent is not undone by a tab left open: the page asks first. */
const RECENT_RELEASE_MS = 60_000;

const SLEEPING = new Set(['released', 'failed']);

/** An instance at its address, for a user with a session there. */
export interface WakeTarget {
  instanceId: string;
  grant: IngressGrant;
}

interface LoadedTarget {
  instance: InstanceRecord;
  grant: IngressGrant;
}

/**
 * Opening the address of an instance that does not run: a person's page
 * load wakes it (its owner, or someone with the right to start it who
 * confirms first) and shows its progress until the engine answers; API
 * clients and WebSockets get 503 with `Retry-After` and wake it only when
 * they ask (`x-aigc-gateway-wake: 1`); prefetches and HEAD requests wake
 * nothing. A wake is a relaunch: quotas, budgets and retired versions apply
 * as to a launch from the portal.
 */
export class WakeOnAccess {
  constructor(
    private readonly deps: {
      store: InstanceStore;
      audit: AuditTrail;
      relaunch(
        instance: InstanceRecord,
        cause: string,
      ): Promise<InstanceRecord>;
      /** The engine's and pool's titles, for the pages. */
      describe(instance: InstanceRecord): { engine: string; pool: string };
      /** Whether the runtime has the engine's address yet: until then a running instance is still starting. */
      reachable(instanceId: string): boolean;
      clock: GatewayClock;
      portalUrl: string;
    },
  ) {}

  /** Whether the request is for the gateway's own paths at the origin. */
  static owns(url: string | undefined): boolean {
    return Boolean(url?.startsWith('/.aigc-gateway/'));
  }

  /** The gateway's own paths: the instance's status, and a confirmed wake. */
  async serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    at: WakeTarget,
  ) {
    const target = await this.load(at);
    const url = new URL(req.url!, 'http://engine');
    if (url.pathname === WAKE_PATHS.status && req.method === 'GET') {
      send(res, 200, await this.status(target.instance));
      return;
    }
    if (url.pathname === WAKE_PATHS.wake && req.method === 'POST') {
      const next = nextPath(url.searchParams.get('next'));
      try {
        if (SLEEPING.has(target.instance.state))
          await this.wake(target, 'confirmed');
      } catch (error) {
        this.write(res, this.refusal(error as Error, target, next));
        return;
      }
      res.writeHead(303, { location: next, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    send(res, 404, {
      error: {
        name: 'NotFoundError',
        message: `${url.pathname} is not a path of the gateway`,
      },
    });
  }

  /** Answers a request for an instance that does not run. */
  async answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    at: WakeTarget,
  ) {
    const target = await this.load(at);
    const { instance } = target;
    if (!isPageLoad(req)) {
      let state = this.stateOf(instance);
      if (req.headers[WAKE_HEADER] === '1' && SLEEPING.has(state)) {
        try {
          state = (await this.wake(target, 'asked by its client')).state;
        } catch (error) {
          const status = errorStatus(error as Error);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(errorBody(error as Error, status));
          return;
        }
      }
      const error = this.unavailable(instance.id, state);
      res.writeHead(503, {
        'content-type': 'application/json',
        'retry-after': String(RETRY_AFTER_SECONDS),
      });
      res.end(
        JSON.stringify({
          ...JSON.parse(errorBody(error, 503)),
          instance: { id: instance.id, state },
        }),
      );
      return;
    }
    this.write(res, await this.page(req, target));
  }

  /** The error an upgrade to an instance that does not run is refused with. */
  unavailable(instanceId: string, state: string): Error {
    return new ServiceUnavailableError(
      `instance ${instanceId} is ${state}, not running; open its address in a browser to start it, or send ${WAKE_HEADER}: 1`,
    );
  }

  private async load(at: WakeTarget): Promise<LoadedTarget> {
    const instance = await this.deps.store.get(at.instanceId);
    if (!instance || instance.ownerRef !== at.grant.owner)
      throw new NotFoundError(
        `instance ${at.instanceId} does not exist or changed owner; open it from the portal again`,
      );
    return { instance, grant: at.grant };
  }

  private async page(
    req: http.IncomingMessage,
    target: LoadedTarget,
  ): Promise<WakePage> {
    const { instance, grant } = target;
    const next = nextPath(req.url);
    const { engine, pool } = this.deps.describe(instance);
    const following = (title: string) =>
      wakePage(200, next, this.deps.portalUrl, {
        title,
        lines: [
          'Your data is kept while an engine is released; it opens here once it is ready.',
        ],
        follow: true,
      });
    if (!SLEEPING.has(instance.state))
      return following(`Starting ${engine} on ${pool}`);
    if (!grant.mayWake) {
      return wakePage(409, next, this.deps.portalUrl, {
        title: `${engine} is not running`,
        lines: [
          `This engine is ${instance.state}. Only who may start it (its owner) can start it from here.`,
        ],
      });
    }
    if (grant.user !== grant.owner) {
      return wakePage(200, next, this.deps.portalUrl, {
        title: `Start ${engine} of ${grant.owner}?`,
        lines: [
          `This engine is ${instance.state}. Starting it takes a GPU of ${pool}, which its owner pays for.`,
        ],
        startButton: `Start it for ${grant.owner}`,
      });
    }
    if (!typedOrOwn(req)) {
      // A link on another site (or a redirect through one) might start it
      // for someone who never meant to pay for it: ask.
      return wakePage(200, next, this.deps.portalUrl, {
        title: `Start ${engine}?`,
        lines: [
          `This engine is ${instance.state}. Starting it takes a GPU of ${pool}.`,
        ],
        startButton: 'Start it',
      });
    }
    if (await this.releasedJustNow(instance)) {
      return wakePage(200, next, this.deps.portalUrl, {
        title: `${engine} was released a moment ago`,
        lines: ['You released this engine in the last minute. Start it again?'],
        startButton: 'Start it again',
      });
    }
    try {
      await this.wake(target, 'page load');
    } catch (error) {
      return this.refusal(error as Error, target, next);
    }
    return following(`Starting ${engine} on ${pool}`);
  }

  /** A wake the gateway refused (quota, budget, retired version): which, and what to do. */
  private refusal(error: Error, target: LoadedTarget, next: string): WakePage {
    const { engine } = this.deps.describe(target.instance);
    return wakePage(errorStatus(error), next, this.deps.portalUrl, {
      title: `${engine} cannot start now`,
      lines: [
        error.message,
        'Release another engine, wait for your quota or budget to allow it, or ask the portal admins.',
      ],
    });
  }

  private async wake(target: LoadedTarget, how: string) {
    const { instance, grant } = target;
    // Refusals (a quota, a budget, a retired version) are audited too.
    return this.deps.audit.run(
      {
        actor: grant.user,
        action: 'wake',
        instanceId: instance.id,
        detail: how,
      },
      () => this.deps.relaunch(instance, WAKE_CAUSE),
      started => ({ outcome: started.state }),
    );
  }

  private async releasedJustNow(instance: InstanceRecord) {
    if (instance.state !== 'released') return false;
    const since =
      this.deps.clock.now().getTime() - instance.updatedAt.getTime();
    if (since > RECENT_RELEASE_MS) return false;
    const events = await this.deps.store.events(instance.id, 3);
    return events.some(e => e.message.includes('released by its owner'));
  }

  private async status(instance: InstanceRecord) {
    const [last] = (await this.deps.store.events(instance.id, 1)).slice(-1);
    return {
      state: this.stateOf(instance),
      message: last?.message,
      queuePosition: await this.deps.store.queuePosition(instance),
      failureReason: instance.failureReason,
    };
  }

  /** The instance's state as a browser should see it: running once the engine can be reached. */
  private stateOf(instance: InstanceRecord) {
    return instance.state === 'running' && !this.deps.reachable(instance.id)
      ? 'starting'
      : instance.state;
  }

  private write(res: http.ServerResponse, page: WakePage) {
    res.writeHead(page.status, page.headers);
    res.end(page.body);
  }
}

/** A person loading a page: a GET navigation that is not a prefetch. */
function isPageLoad(req: http.IncomingMessage) {
  if (req.method !== 'GET') return false;
  const purpose = `${req.headers['sec-purpose'] ?? ''} ${
    req.headers.purpose ?? ''
  } ${req.headers['x-moz'] ?? ''}`;
  if (/prefetch|prerender/i.test(purpose)) return false;
  const mode = req.headers['sec-fetch-mode'];
  return mode !== undefined
    ? mode === 'navigate'
    : /\btext\/html\b/.test(req.headers.accept ?? '');
}

/** A bookmark, a typed address or a page of the engine itself, not a link or redirect from elsewhere. */
function typedOrOwn(req: http.IncomingMessage) {
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'none' || site === 'same-origin';
}

/** Where to go once the engine runs: a path of this origin, never another site. */
function nextPath(value: string | null | undefined): string {
  if (!value) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
    throw new InputError('next must be a path of this engine');
  return value;
}

function send(res: http.ServerResponse, status: number, body: object) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}
