import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  aigcGatewayPermissions,
  instancePermissions,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  aigcGatewayRuntimesExtensionPoint,
  EngineRuntime,
  gatewayClockServiceRef,
  GpuPool,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { readGatewayConfig } from './config/readGatewayConfig';
import { createRouter } from './api/createRouter';
import { migrateDatabase } from './store/migrate';
import { DefinitionStore } from './store/DefinitionStore';
import { DefinitionCache } from './store/DefinitionCache';
import { VersionSwitchStore } from './store/VersionSwitchStore';
import { VersionSwitcher } from './versions/VersionSwitcher';
import { RolloutStore } from './store/RolloutStore';
import { RolloutRunner } from './versions/RolloutRunner';
import { Rollouts } from './versions/Rollouts';
import { IdleReleaser } from './policies/IdleReleaser';
import { Quotas } from './policies/Quotas';
import { engineBusy } from './signals/busySignal';
import { JobCounter } from './signals/JobCounter';
import { JobStore } from './store/JobStore';
import { EngineConnections } from './gateway/EngineConnections';
import { WakeOnAccess } from './gateway/origins/wake/WakeOnAccess';
import { InstanceRecord, InstanceStore } from './store/InstanceStore';
import { chooseRuntime } from './runtime/chooseRuntime';
import { NO_RUNTIME_MESSAGE, NoRuntime } from './runtime/NoRuntime';
import { Lifecycle } from './lifecycle/Lifecycle';
import { Reconciler } from './lifecycle/Reconciler';
import { instanceResourceRef, isInstanceOwner } from './permissions/rules';
import { AccessCache } from './gateway/AccessCache';
import { ActivityRecorder } from './gateway/ActivityRecorder';
import { proxyRouter } from './gateway/proxyRouter';
import { ProxyAccess } from './gateway/ProxyAccess';
import { HttpProxy } from './gateway/HttpProxy';
import { UserCredentialsCache } from './gateway/UserCredentialsCache';
import { WebSocketProxy } from './gateway/WebSocketProxy';
import { ingressRouter } from './gateway/ingress/ingressRouter';
import { IngressTokens } from './gateway/ingress/IngressTokens';
import { HostSessions } from './gateway/ingress/HostSessions';
import { EngineOrigins } from './gateway/origins/EngineOrigins';
import { assertEnginesApartFromPortal } from './gateway/origins/enginesApartFromPortal';
import { TicketUses } from './gateway/ingress/TicketUses';
import { signingKey } from './gateway/ingress/signingKey';
import { CostLedger } from './cost/CostLedger';
import { CostCalendar } from './cost/calendar';
import { Budgets } from './cost/Budgets';
import { BudgetEnforcer } from './cost/BudgetEnforcer';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { GatewayMetrics } from './metrics/GatewayMetrics';
import { InstanceOperations } from './operations/InstanceOperations';
import { AuditTrail } from './audit/AuditTrail';
import { CostReports } from './operations/CostReports';
import { poolViews } from './operations/poolViews';
import { registerGatewayActions } from './actions/registerGatewayActions';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  DEFINITIONS_CHANGED_TOPIC,
  INSTANCES_CHANGED_TOPIC,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/**
 * How long a global task's run holds its lock. A replica that dies mid-run
 * (SIGKILL, OOM) keeps it that long, and no other replica runs the task meanwhile.
 */
const GLOBAL_TASK_TIMEOUT = { minutes: 1 };

/**
 * The AIGC Gateway backend plugin, served at `/api/aigc-gateway`.
 *
 * @public
 */
export const aigcGatewayPlugin = createBackendPlugin({
  pluginId: 'aigc-gateway',
  register(env) {
    const addedRuntimes: EngineRuntime[] = [];
    env.registerExtensionPoint(aigcGatewayRuntimesExtensionPoint, {
      addRuntime(runtime) {
        addedRuntimes.push(runtime);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        notifications: notificationService,
        events: eventsServiceRef,
        clock: gatewayClockServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        metrics: metricsServiceRef,
      },
      async init(deps) {
        const {
          config,
          logger,
          database,
          httpRouter,
          permissionsRegistry,
          clock,
        } = deps;
        const gatewayConfig = readGatewayConfig(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) await migrateDatabase(knex);

        const definitionStore = new DefinitionStore(knex, clock);
        await definitionStore.syncFromConfig(gatewayConfig);
        const definitionCache = new DefinitionCache(definitionStore);
        await definitionCache.reload();
        const definitions = () => definitionCache.current();
        const store = new InstanceStore(knex, clock);
        const audit = new AuditTrail(deps.auditor);

        const noRuntime = new NoRuntime();
        const runtime: EngineRuntime =
          chooseRuntime(
            addedRuntimes,
            gatewayConfig.pools.map(p => p.id),
          ) ?? noRuntime;
        if (runtime === noRuntime) logger.warn(NO_RUNTIME_MESSAGE);

        const ledger = new CostLedger(knex);
        const calendar = new CostCalendar(gatewayConfig.cost.timeZone);
        const budgets = new Budgets({
          db: knex,
          ledger,
          calendar,
          budgets: gatewayConfig.cost.budgets,
          thresholds: gatewayConfig.cost.alertThresholds,
          currency: gatewayConfig.currency,
          notifications: deps.notifications,
          logger,
          clock,
        });
        const poolSlots = (pool: GpuPool) => runtime.poolSlots?.(pool);
        const pools = () =>
          poolViews({
            store,
            definitions,
            currency: gatewayConfig.currency,
            clock,
            poolSlots,
          });
        const rolloutStore = new RolloutStore(knex, clock);
        const metrics = new GatewayMetrics(deps.metrics, {
          store,
          pools,
          ledger,
          calendar,
          budgets,
          rollouts: rolloutStore,
          clock,
        });
        // Every way the gateway reaches engines, over TCP or a sandbox's socket.
        const connections = new EngineConnections();
        const jobCounter = new JobCounter({
          metrics,
          store,
          jobs: new JobStore(knex),
          definitions,
          runtime,
          connections,
          logger,
        });
        const lifecycle = new Lifecycle({
          store,
          beforeStop: instance => jobCounter.collect(instance),
          timings: metrics,
          definitions,
          runtime,
          logger,
          gates: [
            ...(runtime === noRuntime ? [noRuntime] : []),
            budgets,
            new Quotas({
              quotas: gatewayConfig.quotas,
              store,
              definitions,
              ledger,
              calendar,
              currency: gatewayConfig.currency,
              clock,
            }),
          ],
        });
        lifecycle.listen();
        const reconciler = new Reconciler({
          store,
          runtime,
          lifecycle,
          logger,
          pools: () => definitions().pools.keys(),
          clock,
        });
        const switcher = new VersionSwitcher({
          store,
          audit,
          switches: new VersionSwitchStore(knex, clock),
          runtime,
          definitions,
          logger,
          staleAfterMs: gatewayConfig.versionSwitch.staleAfterSeconds * 1000,
          clock,
        });
        try {
          await reconciler.reconcile();
          await switcher.recover();
        } catch (error) {
          // An unreachable cluster must not stop the backend; the scheduled reconcile retries.
          logger.error(
            `The first reconcile failed, retrying every 15 s: ${error}`,
          );
        }
        await deps.scheduler.scheduleTask({
          id: 'aigc-gateway-reconcile',
          frequency: { seconds: 15 },
          timeout: { minutes: 2 },
          scope: 'local',
          fn: async () => {
            await reconciler.reconcile();
            await switcher.recover();
          },
        });
        // Releases the gateway itself decides on (a forced rollout, a used-up
        // budget, idleness), audited as the plugin's own.
        const releaseFor =
          (action: string) => async (instance: InstanceRecord, why: string) => {
            const released = await audit.run(
              {
                actor: 'plugin:aigc-gateway',
                action,
                instanceId: instance.id,
                detail: why,
              },
              () => lifecycle.release(instance, why),
              r => ({ outcome: r.state }),
            );
            metrics.released(action.replace(/-release$/, ''));
            return released;
          };
        const rolloutRunner = new RolloutRunner({
          rollouts: rolloutStore,
          store,
          switcher,
          release: releaseFor('rollout-release'),
          logger: logger.child({ task: 'rollouts' }),
          clock,
        });
        const rollouts = new Rollouts({
          rollouts: rolloutStore,
          store,
          audit,
          runtime,
          definitions,
          runner: rolloutRunner,
          logger,
        });
        // Local scope: every replica advances; the runner's conditional updates keep them from acting twice,
        // and a restarted backend goes on at once instead of waiting for a dead replica's task lock to expire.
        await deps.scheduler.scheduleTask({
          id: 'aigc-gateway-rollouts',
          frequency: { seconds: gatewayConfig.rollouts.checkIntervalSeconds },
          timeout: { minutes: 1 },
          scope: 'local',
          fn: () => rolloutRunner.advanceAll(),
        });
        if (gatewayConfig.cost.budgets.length > 0) {
          const enforcer = new BudgetEnforcer({
            db: knex,
            budgets,
            store,
            release: releaseFor('budget-release'),
            clock,
            logger,
          });
          // Global scope: with several replicas, one of them runs it at a time.
          await deps.scheduler.scheduleTask({
            id: 'aigc-gateway-budgets',
            frequency: { seconds: gatewayConfig.cost.checkIntervalSeconds },
            timeout: GLOBAL_TASK_TIMEOUT,
            fn: async () => {
              // One reading of every budget's spend for both.
              const statuses = await budgets.statusOfAll();
              await budgets.alert(statuses);
              await enforcer.enforce(statuses);
            },
          });
        }
        // Versions added through another replica's API arrive with this reload.
        await deps.scheduler.scheduleTask({
          id: 'aigc-gateway-definitions-reload',
          frequency: { seconds: 30 },
          timeout: { seconds: 30 },
          scope: 'local',
          fn: () => definitionCache.reload(),
        });
        definitionCache.onChange(() =>
          deps.events
            .publish({ topic: DEFINITIONS_CHANGED_TOPIC, eventPayload: {} })
            .catch(error =>
              logger.warn(
                `Could not publish ${DEFINITIONS_CHANGED_TOPIC}: ${error}`,
              ),
            ),
        );
        const idle = new IdleReleaser({
          store,
          definitions,
          config: gatewayConfig.idle,
          logger,
          clock,
          actions: {
            busy: async instance => {
              const template = definitions().templates.get(instance.templateId);
              const endpoint = runtime.endpoint(instance.id);
              if (!template || !endpoint) return undefined;
              return engineBusy(template.kind, endpoint, connections, {
                probePath: template.busyProbePath,
              });
            },
            release: async (instance, why) => {
              await releaseFor('idle-release')(instance, why);
            },
            warn: (instance, message) =>
              deps.notifications.send({
                recipients: { type: 'entity', entityRef: instance.ownerRef },
                payload: {
                  title: `Your ${
                    definitions().templates.get(instance.templateId)?.title ??
                    instance.templateId
                  } engine is idle`,
                  description: message,
                  link: `/aigc-gateway?keep=${instance.id}`,
                  severity: 'normal',
                  topic: 'aigc-gateway-idle',
                },
              }),
          },
        });
        // Global scope: with several replicas, one of them checks at a time.
        await deps.scheduler.scheduleTask({
          id: 'aigc-gateway-idle-release',
          frequency: { seconds: gatewayConfig.idle.checkIntervalSeconds },
          timeout: GLOBAL_TASK_TIMEOUT,
          fn: () => idle.check(),
        });
        await deps.scheduler.scheduleTask({
          id: 'aigc-gateway-job-count',
          frequency: { seconds: gatewayConfig.jobs.checkIntervalSeconds },
          timeout: GLOBAL_TASK_TIMEOUT,
          fn: () => jobCounter.check(),
        });
        const accessCache = new AccessCache(knex);
        store.onChange(() => accessCache.markDirty());
        // Lets the catalog provider (and others) follow instances promptly.
        store.onChange(() =>
          deps.events
            .publish({ topic: INSTANCES_CHANGED_TOPIC, eventPayload: {} })
            .catch(error =>
              logger.warn(
                `Could not publish ${INSTANCES_CHANGED_TOPIC}: ${error}`,
              ),
            ),
        );
        await accessCache.start();
        const activity = new ActivityRecorder(store, clock);
        activity.start();
        deps.lifecycle.addShutdownHook(async () => {
          accessCache.stop();
          await activity.stop();
          // Pods outlive the backend and the next one adopts them; child processes do not.
          if (!runtime.enginesOutliveBackend)
            await lifecycle.releaseAll('the backend shut down');
          await runtime.shutdown();
        });

        permissionsRegistry.addPermissions(aigcGatewayPermissions);
        permissionsRegistry.addResourceType({
          resourceRef: instanceResourceRef,
          permissions: instancePermissions,
          rules: [isInstanceOwner],
          getResources: ids => Promise.all(ids.map(id => store.get(id))),
        });

        logger.info(
          `Serving ${definitions().templates.size} engine template(s) and ${
            definitions().pools.size
          } pool(s) on the ${runtime.id} runtime`,
        );
        const access = new ProxyAccess(accessCache, deps.permissions);
        const basePath = new URL(
          await deps.discovery.getBaseUrl('aigc-gateway'),
        ).pathname;
        const externalBaseUrl = await deps.discovery.getExternalBaseUrl(
          'aigc-gateway',
        );
        const ownOrigins = new Set([new URL(externalBaseUrl).origin]);
        const users = new UserCredentialsCache(deps.httpAuth);
        const portalUrl = `${
          config.getOptionalString('app.baseUrl') ?? ''
        }/aigc-gateway`;
        const cookieOnPathProxy = gatewayConfig.pathProxy.cookie;
        const httpProxy = new HttpProxy({
          basePath,
          users,
          access,
          runtime,
          activity,
          jobs: jobCounter,
          metrics,
          connections,
          logger,
          portalUrl,
          ownOrigins,
          cookieOnPathProxy,
        });
        const webSockets = new WebSocketProxy({
          basePath,
          users,
          access,
          cache: accessCache,
          runtime,
          activity,
          metrics,
          connections,
          logger,
          ownOrigins,
          cookieOnPathProxy,
        });
        deps.lifecycle.addShutdownHook(() => webSockets.stop());
        deps.lifecycle.addShutdownHook(() => connections.close());
        if (cookieOnPathProxy) {
          // Browsers open engines by navigation, which carries the user cookie only.
          httpRouter.addAuthPolicy({
            path: '/instances/:id/proxy',
            allow: 'user-cookie',
          });
        }
        const sessions = new HostSessions(
          new IngressTokens(
            await signingKey(knex, 'ingress-sessions', clock),
            clock,
          ),
          new TicketUses(knex, clock),
        );
        // Engines are at their own hosts: the runtime's Ingresses, or the gateway's own listener.
        let ingressHosts = runtime.ingressHosts;
        if (ingressHosts) {
          // The ingress controller asks without credentials; the session cookie of the engine's host decides.
          httpRouter.addAuthPolicy({
            path: '/forward-auth',
            allow: 'unauthenticated',
          });
        } else {
          const origins = new EngineOrigins(gatewayConfig.engineOrigins, {
            sessions,
            cache: accessCache,
            runtime,
            http: httpProxy,
            webSockets,
            wake: new WakeOnAccess({
              store,
              audit,
              relaunch: (instance, cause) =>
                lifecycle.relaunch(instance, cause),
              describe: instance => ({
                engine:
                  definitions().templates.get(instance.templateId)?.title ??
                  instance.templateId,
                pool:
                  definitions().pools.get(instance.poolId)?.title ??
                  instance.poolId,
              }),
              reachable: instanceId =>
                runtime.endpoint(instanceId) !== undefined,
              clock,
              portalUrl,
            }),
            logger,
            signInUrl: `${externalBaseUrl}/ingress/sign-in`,
          });
          await origins.start();
          deps.lifecycle.addShutdownHook(() => origins.stop());
          ingressHosts = origins.hosts;
        }
        assertEnginesApartFromPortal(ingressHosts, externalBaseUrl);
        const instances = new InstanceOperations({
          store,
          audit,
          metrics,
          auth: deps.auth,
          lifecycle,
          userInfo: deps.userInfo,
          permissions: deps.permissions,
          discovery: deps.discovery,
          ingressHosts,
        });
        const reports = new CostReports({
          ledger,
          calendar,
          currency: gatewayConfig.currency,
          definitions,
          store,
          permissions: deps.permissions,
          clock,
        });
        registerGatewayActions(deps.actionsRegistry, {
          auth: deps.auth,
          instances,
          reports,
          pools,
        });
        // The sign-in checks the portal user's cookie itself: without one, a
        // browser is sent to the portal to sign in, not answered 401.
        httpRouter.addAuthPolicy({
          path: '/ingress/sign-in',
          allow: 'unauthenticated',
        });
        httpRouter.use(
          ingressRouter({
            hosts: ingressHosts,
            forwardAuth: Boolean(runtime.ingressHosts),
            sessions,
            users,
            access,
            cache: accessCache,
            portalUrl,
            permissions: deps.permissions,
          }),
        );
        httpRouter.use(
          createRouter({
            proxy: proxyRouter({
              httpAuth: deps.httpAuth,
              http: httpProxy,
              webSockets,
            }),
            gatewayConfig,
            definitions,
            definitionStore,
            definitionCache,
            runtime,
            switcher,
            rollouts,
            poolSlots,
            store,
            lifecycle,
            instances,
            reports,
            ledger,
            calendar,
            budgets,
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            permissions: deps.permissions,
            discovery: deps.discovery,
            ingressHosts,
            clock,
          }),
        );
      },
    });
  },
});
