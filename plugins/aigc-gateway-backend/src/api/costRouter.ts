import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  BudgetListResponse,
  CostDailyResponse,
  CostSummaryResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { costQuerySchema } from './requestSchemas';
import { Budgets } from '../cost/Budgets';
import { CostCalendar } from '../cost/calendar';
import { CostLedger } from '../cost/CostLedger';
import { toCsvLine } from '../cost/csv';
import { CostReports } from '../operations/CostReports';
import { parse } from './parse';

/** `GET /cost/summary`, `/cost/daily` and `/cost/export.csv` (DESIGN §9, §13). */
export function costRouter(deps: {
  ledger: CostLedger;
  calendar: CostCalendar;
  currency: string;
  budgets: Budgets;
  reports: CostReports;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
}): express.Router {
  const router = Router();

  async function resolve(req: express.Request) {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    return deps.reports.resolve(
      credentials,
      parse(costQuerySchema, req.query, 'query'),
    );
  }

  /** The budgets that apply to the caller, or every budget for those who read all costs. */
  router.get('/cost/budgets', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const all = await deps.reports.mayReadAll(credentials);
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
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const body: CostSummaryResponse = await deps.reports.summary(
      credentials,
      parse(costQuerySchema, req.query, 'query'),
    );
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
