import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  catalogRefs,
  InstanceView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewayClient } from '../GatewayClient';

/**
 * `aigc:instance:launch`: launches an engine instance for the user who runs
 * the template, optionally waiting until it answers. A retried or recovered
 * task gets the same instance back: launches are idempotent per user,
 * template and name, and the instance id is checkpointed.
 *
 * @public
 */
export function createLaunchInstanceAction(options: {
  client: GatewayClient;
  pollIntervalMs?: number;
}) {
  const { client } = options;
  return createTemplateAction({
    id: 'aigc:instance:launch',
    description:
      'Launches an AIGC engine instance for the user running the template',
    supportsDryRun: true,
    schema: {
      input: {
        templateId: z =>
          z.string().min(1).describe('Engine template id, e.g. sample-engine'),
        version: z =>
          z
            .string()
            .optional()
            .describe('Engine version; the newest active one by default'),
        poolId: z =>
          z
            .string()
            .optional()
            .describe("GPU pool; the version's default pool by default"),
        name: z =>
          z
            .string()
            .optional()
            .describe('A name, for several instances of one template'),
        waitUntilReady: z =>
          z.boolean().default(true).describe('Wait until the engine answers'),
        timeoutSeconds: z => z.number().int().min(1).max(3600).default(600),
      },
      output: {
        instanceId: z => z.string(),
        url: z => z.string(),
        entityRef: z => z.string(),
        state: z => z.string(),
      },
    },
    async handler(ctx) {
      const as = await ctx.getInitiatorCredentials();
      const { templateId } = ctx.input;
      // The scaffolder checks input against the schema but does not fill in its defaults.
      const waitUntilReady = ctx.input.waitUntilReady ?? true;
      const timeoutSeconds = ctx.input.timeoutSeconds ?? 600;
      // Form fields left empty arrive as empty strings.
      const version = ctx.input.version || undefined;
      const poolId = ctx.input.poolId || undefined;
      const name = ctx.input.name || undefined;
      if (ctx.isDryRun) {
        // Checks what it can without launching anything.
        const template = (await client.templates(as)).find(
          t => t.id === templateId,
        );
        if (!template)
          throw new InputError(`unknown engine template "${templateId}"`);
        if (version && !template.versions.some(v => v.version === version)) {
          throw new InputError(
            `template "${templateId}" has no version "${version}"`,
          );
        }
        if (poolId && !(await client.pools(as)).some(p => p.id === poolId)) {
          throw new InputError(`unknown GPU pool "${poolId}"`);
        }
        ctx.logger.info(
          `Would launch ${templateId}${version ? ` ${version}` : ''}${
            name ? ` named "${name}"` : ''
          }`,
        );
        ctx.output('instanceId', 'dry-run');
        ctx.output('url', '');
        ctx.output('entityRef', '');
        ctx.output('state', 'dry-run');
        return;
      }
      const instanceId = await ctx.checkpoint({
        key: `aigc-launch-${templateId}-${name ?? ''}`,
        fn: async () =>
          (
            await client.launch(as, { templateId, version, poolId, name })
          ).id,
      });
      let instance = await client.get(as, instanceId);
      ctx.logger.info(
        `Instance ${instanceId} of ${templateId} is ${instance.state}`,
      );
      if (waitUntilReady)
        instance = await waitForRunning(
          client,
          as,
          instance,
          timeoutSeconds,
          ctx.logger,
          options.pollIntervalMs,
        );
      ctx.output('instanceId', instance.id);
      ctx.output('url', instance.url);
      ctx.output('entityRef', catalogRefs.instance(instance.id));
      ctx.output('state', instance.state);
    },
  });
}

async function waitForRunning(
  client: GatewayClient,
  as: Parameters<GatewayClient['get']>[0],
  start: InstanceView,
  timeoutSeconds: number,
  logger: { info(message: string): void },
  pollIntervalMs = 1000,
): Promise<InstanceView> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  let instance = start;
  // The launch already said the first state.
  let said: string = start.state;
  for (;;) {
    if (instance.state === 'running') return instance;
    if (instance.state === 'failed') {
      throw new Error(
        `instance ${instance.id} failed to start: ${
          instance.failureReason ?? 'no reason given'
        }`,
      );
    }
    if (
      ['released', 'releasing', 'deleting', 'deleted'].includes(instance.state)
    ) {
      throw new Error(
        `instance ${instance.id} was ${instance.state} before it was ready`,
      );
    }
    const now = `${instance.state}${
      instance.queuePosition
        ? ` (position ${instance.queuePosition} in the queue)`
        : ''
    }`;
    if (now !== said) logger.info(`Instance ${instance.id} is ${now}`);
    said = now;
    if (performance.now() > deadline) {
      throw new Error(
        `instance ${instance.id} was not ready within ${timeoutSeconds} s; it is ${now}`,
      );
    }
    await new Promise(r => setTimeout(r, pollIntervalMs));
    instance = await client.get(as, instance.id);
  }
}
