import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GatewayClient } from '../GatewayClient';

/**
 * `aigc:instance:release`: frees an instance's compute and keeps its data.
 * Releasing an instance that is already released is not an error, so a
 * retried task passes.
 *
 * @public
 */
export function createReleaseInstanceAction(options: {
  client: GatewayClient;
}) {
  const { client } = options;
  return createTemplateAction({
    id: 'aigc:instance:release',
    description: 'Releases an AIGC engine instance (compute freed, data kept)',
    supportsDryRun: true,
    schema: {
      input: {
        instanceId: z => z.string().uuid().describe('The instance to release'),
      },
      output: { state: z => z.string() },
    },
    async handler(ctx) {
      const as = await ctx.getInitiatorCredentials();
      // Also checks, in a dry run, that the user may see the instance.
      const instance = await client.get(as, ctx.input.instanceId);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Would release instance ${instance.id} (${instance.state})`,
        );
        ctx.output('state', instance.state);
        return;
      }
      if (instance.state === 'released' || instance.state === 'releasing') {
        ctx.logger.info(`Instance ${instance.id} is already ${instance.state}`);
        ctx.output('state', instance.state);
        return;
      }
      const released = await client.release(as, instance.id);
      ctx.logger.info(
        `Instance ${released.id} is ${released.state}; its data is kept`,
      );
      ctx.output('state', released.state);
    },
  });
}
