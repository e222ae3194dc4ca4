import express from 'express';
import Router from 'express-promise-router';
import {
  AuthService,
  DiscoveryService,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  GatewayClock,
  GatewayConfig,
  GpuPool,
  IngressHosts,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { Definitions, DefinitionStore } from '../store/DefinitionStore';
import { DefinitionCache } from '../store/DefinitionCache';
import { versionsRouter } from './versionsRouter';
import { VersionSwitcher } from '../versions/VersionSwitcher';
import { Rollouts } from '../versions/Rollouts';
import { rolloutsRouter } from './rolloutsRouter';
import { InstanceStore } from '../store/InstanceStore';
import { Lifecycle } from '../lifecycle/Lifecycle';
import { templatesRouter } from './templatesRouter';
import { poolsRouter } from './poolsRouter';
import { instancesRouter } from './instancesRouter';
import { costRouter } from './costRouter';
import { CostLedger } from '../cost/CostLedger';
import { CostCalendar } from '../cost/calendar';
import { Budgets } from '../cost/Budgets';
import { VersionRuntime } from '../versions/createVersion';
import { InstanceOperations } from '../operations/InstanceOperations';
import { CostReports } from '../operations/CostReports';

/** The plugin's REST API, one sub-router per resource. */
export function createRouter(deps: {
  gatewayConfig: GatewayConfig;
  definitions: () => Definitions;
  definitionStore: DefinitionStore;
  definitionCache: DefinitionCache;
  runtime: VersionRuntime;
  switcher: VersionSwitcher;
  rollouts: Rollouts;
  poolSlots: (pool: GpuPool) => number | undefined;
  store: InstanceStore;
  lifecycle: Lifecycle;
  instances: InstanceOperations;
  reports: CostReports;
  ledger: CostLedger;
  calendar: CostCalendar;
  budgets: Budgets;
  auth: AuthService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  discovery: DiscoveryService;
  proxy: express.Router;
  /** The hosts engines open at: their own origins. */
  ingressHosts: IngressHosts;
  clock: GatewayClock;
}): express.Router {
  const router = Router();
  // The proxy streams bodies through untouched, so it comes before body parsing.
  router.use(deps.proxy);
  router.use(express.json({ limit: '64kb' }));
  router.use(templatesRouter(deps));
  router.use(poolsRouter({ ...deps, currency: deps.gatewayConfig.currency }));
  router.use(instancesRouter(deps));
  router.use(versionsRouter(deps));
  router.use(rolloutsRouter(deps));
  router.use(costRouter({ ...deps, currency: deps.gatewayConfig.currency }));
  return router;
}
