import express from 'express';
import Router from 'express-promise-router';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  BudgetListResponse,
  CostDailyResponse,
  costReadPermission,
  CostSummaryResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { costQuerySchema } from './requestSchemas';
import { Budgets } from '../cost/Budgets';
import { CostCalendar } from '../cost/calendar';
import { CostLedger, CostScope } from '../cost/CostLedger';
import { costRange } from '../cost/costRange';
import { entityScope } from '../cost/entityScope';
import { toCsvLine } from '../cost/csv';
import { Definitions } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';
import { parse } from './parse';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** `GET /cost/summary`, `/cost/daily` and `/cost/export.csv` (DESIGN §9, §13). */
export function costRouter(deps: {
  ledger: CostLedger;
  calendar: CostCalendar;
  currency: string;
  definitions: () => Definitions;
  store: InstanceStore;
  budgets: Budgets;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  clock: GatewayClock;
}): express.Router {
  const router = Router();

  /**
   * What the caller asked for and may see: with `aigc-gateway.cost.read`
   * anything; without it only their own usage, within any entity they name.
   */
  async function resolve(req: express.Request) {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const query = parse(costQuerySchema, req.query, 'query');
    const at = deps.clock.now();
    const range = costRange(query, deps.calendar, at);
    const entity = query.entityRef
      ? await entityScope(
          query.entityRef,
          deps.definitions(),
          async id => (await deps.store.get(id)) !== undefined,
        )
      : undefined;
    let scope: CostScope = entity?.scope ?? {};
    const all = await mayReadAll(credentials);
    if (!all) {
      const self = credentials.principal.userEntityRef;
      if (scope.ownerRef && scope.ownerRef !== self) {
        throw new NotAllowedError(
          `reading the costs of ${entity!.ref} needs the ${
            costReadPermission.name
          } permission; everyone may read their own`,
        );
      }
      scope = { ...scope, ownerRef: self };
    }
    const report = {
      currency: deps.currency,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      scope: all ? ('all' as const) : ('own' as const),
      ...(entity ? { entityRef: entity.ref } : {}),
    };
    return { query, range, scope, report, at };
  }

  async function mayReadAll(credentials: BackstageCredentials) {
    const [decision] = await deps.permissions.authorize(
      [{ permission: costReadPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The budgets that apply to the caller, or every budget for those who read all costs. */
  router.get('/cost/budgets', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const all = await mayReadAll(credentials);
    const { userEntityRef, ownershipEntityRefs } =
      await deps.userInfo.getUserInfo(credentials);
    const items = all
      ? await deps.budgets.statusOfAll()
      : await deps.budgets.statusFor({
          ownerRef: userEntityRef,
          ownerGroups: ownershipEntityRefs,
        });
    const body: BudgetListResponse = { currency: deps.currency, items };
    res.json(body);
  });

  router.get('/cost/summary', async (req, res) => {
    const { query, range, scope, report, at } = await resolve(req);
    const { total, items } = await deps.ledger.summary(
      range,
      scope,
      query.groupBy,
      at,
    );
    const body: CostSummaryResponse = {
      ...report,
      groupBy: query.groupBy,
      total,
      items,
    };
    res.json(body);
  });

  router.get('/cost/daily', async (req, res) => {
    const { range, scope, report, at } = await resolve(req);
    const days = await deps.ledger.daily(
      deps.calendar.days(range.from, range.to),
      scope,
      at,
    );
    const body: CostDailyResponse = {
      ...report,
      timeZone: deps.calendar.timeZone,
      days,
    };
    res.json(body);
  });

  router.get('/cost/export.csv', async (req, res) => {
    const { range, scope, at } = await resolve(req);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader(
      'content-disposition',
      `attachment; filename="aigc-cost-${range.from
        .toISOString()
        .slice(0, 10)}-${range.to.toISOString().slice(0, 10)}.csv"`,
    );
    res.write(
      toCsvLine([
        'interval_id',
        'instance_id',
        'owner',
        'groups',
        'template',
        'version',
        'pool',
        'gpu_type',
        'gpu_count',
        'price_per_gpu_hour',
        'currency',
        'started_at',
        'ended_at',
        'counted_seconds',
        'cost',
        'cause',
      ]),
    );
    for await (const i of deps.ledger.intervals(range, scope, at)) {
      res.write(
        toCsvLine([
          i.id,
          i.instanceId,
          i.ownerRef,
          i.ownerGroups.join(' '),
          i.templateId,
          i.version,
          i.poolId,
          i.gpuType,
          i.gpuCount,
          i.pricePerHour,
          deps.currency,
          i.startedAt.toISOString(),
          i.endedAt?.toISOString() ?? '',
          i.seconds,
          i.cost.toFixed(6),
          i.cause,
        ]),
      );
    }
    res.end();
  });

  return router;
}
