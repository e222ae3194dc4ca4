import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import {
  InstanceView,
  PoolView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { InstanceOperations } from '../operations/InstanceOperations';
import { CostReports } from '../operations/CostReports';
import { launchRequestSchema } from '../api/requestSchemas';
import { parse } from '../api/parse';

/** What an agent is told of an engine. */
function engine(view: InstanceView) {
  return {
    id: view.id,
    name: view.name,
    ownerRef: view.ownerRef,
    templateId: view.templateId,
    version: view.version,
    poolId: view.poolId,
    state: view.state,
    address: view.address,
    ...(view.queuePosition ? { queuePosition: view.queuePosition } : {}),
    ...(view.failureReason ? { failureReason: view.failureReason } : {}),
  };
}

/**
 * The gateway's actions for agents (Backstage's actions registry, which
 * `@backstage/plugin-mcp-actions-backend` serves over MCP). Each runs as the
 * calling user through the same operations as the HTTP API, so an agent
 * sees and touches exactly what its user may. Inputs are loose in the
 * published schema and checked here by the API's own request schemas, so
 * bad arguments get the API's messages.
 */
export function registerGatewayActions(
  registry: ActionsRegistryService,
  deps: {
    auth: AuthService;
    instances: InstanceOperations;
    reports: CostReports;
    pools: () => Promise<PoolView[]>;
  },
) {
  const { instances, reports } = deps;
  const asUser = (
    credentials: BackstageCredentials,
  ): BackstageCredentials<BackstageUserPrincipal> => {
    if (!deps.auth.isPrincipal(credentials, 'user'))
      throw new NotAllowedError('AIGC Gateway actions run as a signed-in user');
    return credentials;
  };
  const engineSchema = (z: any) =>
    z.object({
      id: z.string(),
      name: z.string(),
      ownerRef: z.string(),
      templateId: z.string(),
      version: z.string(),
      poolId: z.string(),
      state: z.string(),
      address: z
        .string()
        .describe('opens the engine; when released, starts it'),
      queuePosition: z.number().optional(),
      failureReason: z.string().optional(),
    });
  const idInput = (z: any) =>
    z.object({
      instanceId: z.string().describe('the id of the engine instance'),
    });

  registry.register({
    name: 'list-engines',
    title: 'List AIGC engines',
    description:
      'Lists your AIGC engine instances with their state and address; with scope "all", every instance you may see (admins: all of them).',
    attributes: { readOnly: true },
    schema: {
      input: z =>
        z.object({
          scope: z
            .enum(['mine', 'all'])
            .optional()
            .describe('"mine" (default) or "all"'),
        }),
      output: z => z.object({ engines: z.array(engineSchema(z)) }),
    },
    action: async ({ input, credentials }) => {
      const user = asUser(credentials);
      const list = await instances.list(user, input.scope ?? 'mine');
      return {
        output: {
          engines: await Promise.all(
            list.map(async i => engine(await instances.view(i))),
          ),
        },
      };
    },
  });

  registry.register({
    name: 'launch-engine',
    title: 'Launch an AIGC engine',
    description:
      'Launches an engine of a template for you (a version and pool may be named; else the defaults), or returns the one you already have of that template and name. It may wait in the pool queue.',
    attributes: { destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          templateId: z.string().describe('the engine template, e.g. comfyui'),
          version: z.string().optional(),
          poolId: z.string().optional(),
          name: z.string().optional(),
        }),
      output: z =>
        z.object({
          outcome: z.enum(['created', 'existing', 'queued']),
          engine: engineSchema(z),
        }),
    },
    action: async ({ input, credentials }) => {
      const request = parse(launchRequestSchema, input, 'input');
      const { instance, outcome } = await instances.launch(
        asUser(credentials),
        request,
      );
      return {
        output: { outcome, engine: engine(await instances.view(instance)) },
      };
    },
  });

  registry.register({
    name: 'release-engine',
    title: 'Release an AIGC engine',
    description:
      'Stops an engine and frees its GPU; its data (models, outputs) is kept and it can be relaunched.',
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: idInput,
      output: z => z.object({ engine: engineSchema(z) }),
    },
    action: async ({ input, credentials }) => {
      const released = await instances.release(
        asUser(credentials),
        input.instanceId,
      );
      return { output: { engine: engine(await instances.view(released)) } };
    },
  });

  registry.register({
    name: 'relaunch-engine',
    title: 'Relaunch an AIGC engine',
    description:
      'Starts a released engine again on its data; it may wait in the pool queue.',
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: idInput,
      output: z => z.object({ engine: engineSchema(z) }),
    },
    action: async ({ input, credentials }) => {
      const started = await instances.relaunch(
        asUser(credentials),
        input.instanceId,
      );
      return { output: { engine: engine(await instances.view(started)) } };
    },
  });

  registry.register({
    name: 'get-engine-url',
    title: "Get an AIGC engine's URL",
    description:
      "The engine's address, which opens it in a browser after sign-in (and starts it when released), and its state.",
    attributes: { readOnly: true },
    schema: {
      input: idInput,
      output: z =>
        z.object({ address: z.string(), url: z.string(), state: z.string() }),
    },
    action: async ({ input, credentials }) => {
      const view = await instances.view(
        await instances.load(asUser(credentials), input.instanceId),
      );
      return {
        output: { address: view.address, url: view.url, state: view.state },
      };
    },
  });

  const costOutput = (z: any) =>
    z.object({
      currency: z.string(),
      from: z.string(),
      to: z.string(),
      total: z.number(),
      items: z.array(
        z.object({ key: z.string(), cost: z.number(), gpuHours: z.number() }),
      ),
    });
  const costOf = async (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    query: { groupBy: 'template' | 'group'; entityRef?: string },
  ) => {
    const summary = await reports.summary(credentials, query);
    return {
      currency: summary.currency,
      from: summary.from,
      to: summary.to,
      total: summary.total.cost,
      items: summary.items.map(i => ({
        key: i.key,
        cost: i.cost,
        gpuHours: i.gpuHours,
      })),
    };
  };

  registry.register({
    name: 'get-my-cost',
    title: 'My AIGC cost this month',
    description:
      'What your engines cost this calendar month so far, in total and per engine template.',
    attributes: { readOnly: true },
    schema: { input: z => z.object({}), output: costOutput },
    action: async ({ credentials }) => {
      const user = asUser(credentials);
      // Own usage only, even for those who may read everyone's.
      return {
        output: await costOf(user, {
          groupBy: 'template',
          entityRef: user.principal.userEntityRef,
        }),
      };
    },
  });

  registry.register({
    name: 'get-cost-by-group',
    title: 'AIGC cost by group this month',
    description:
      'What engines cost this calendar month so far per group of their owners; for those who may read all costs.',
    attributes: { readOnly: true },
    schema: { input: z => z.object({}), output: costOutput },
    action: async ({ credentials }) => {
      const user = asUser(credentials);
      if (!(await reports.mayReadAll(user)))
        throw new NotAllowedError(
          'cost by group needs the aigc-gateway.cost.read permission',
        );
      return { output: await costOf(user, { groupBy: 'group' }) };
    },
  });

  registry.register({
    name: 'get-pool-capacity',
    title: 'AIGC GPU pool capacity',
    description:
      'Each GPU pool with its price per hour and its capacity: total, used, free and queued engines.',
    attributes: { readOnly: true },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          pools: z.array(
            z.object({
              id: z.string(),
              title: z.string(),
              gpuType: z.string(),
              instancePricePerHour: z.number(),
              currency: z.string(),
              total: z.number(),
              used: z.number(),
              free: z.number(),
              queued: z.number(),
            }),
          ),
        }),
    },
    action: async ({ credentials }) => {
      asUser(credentials);
      return {
        output: {
          pools: (await deps.pools()).map(p => ({
            id: p.id,
            title: p.title,
            gpuType: p.gpuType,
            instancePricePerHour: p.instancePricePerHour,
            currency: p.currency,
            ...p.capacity,
          })),
        },
      };
    },
  });
}
