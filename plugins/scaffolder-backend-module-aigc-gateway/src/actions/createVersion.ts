import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  catalogRefs,
  CreateVersionRequest,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewayClient } from '../GatewayClient';

/**
 * `aigc:version:create`: adds a version to an engine template, on behalf of
 * the user running the template (who needs `aigc-gateway.version.manage`).
 * The gateway validates it; the same version again succeeds, so a retried
 * task passes, and a dry run checks everything and stores nothing.
 */
export function createCreateVersionAction(options: { client: GatewayClient }) {
  const { client } = options;
  return createTemplateAction({
    id: 'aigc:version:create',
    description: 'Creates a new version of an AIGC engine template',
    supportsDryRun: true,
    schema: {
      input: {
        templateId: z =>
          z.string().min(1).describe('Engine template id, e.g. sample-engine'),
        version: z => z.string().min(1).describe('The new version, e.g. 2.1.0'),
        status: z => z.enum(['active', 'deprecated']).default('active'),
        dataLayout: z =>
          z
            .number()
            .int()
            .min(1)
            .optional()
            .describe(
              "The data layout it reads and writes; the base version's by default",
            ),
        pools: z =>
          z
            .array(z.string())
            .default([])
            .describe("GPU pools it may run in; the base version's by default"),
        defaultPool: z => z.string().optional(),
        basedOn: z =>
          z
            .string()
            .optional()
            .describe(
              'An existing version whose runtime and migrations the new one takes over',
            ),
        engine: z =>
          z
            .string()
            .optional()
            .describe(
              'Local runtime: the engine program that starts it, by its name under aigcGateway.runtime.local.engines',
            ),
        migrations: z =>
          z
            .array(
              z.object({
                fromLayout: z.number().int(),
                toLayout: z.number().int(),
                engine: z
                  .string()
                  .min(1)
                  .describe(
                    'The migration program, by its name under aigcGateway.runtime.local.engines',
                  ),
              }),
            )
            .default([])
            .describe('Programs that move a volume between data layouts'),
      },
      output: {
        templateId: z => z.string(),
        version: z => z.string(),
        outcome: z => z.string(),
        entityRef: z => z.string(),
      },
    },
    async handler(ctx) {
      const as = await ctx.getInitiatorCredentials();
      // The scaffolder checks input against the schema but does not fill in its defaults.
      const input = {
        ...ctx.input,
        pools: ctx.input.pools ?? [],
        migrations: ctx.input.migrations ?? [],
      };
      // Form fields left empty arrive as empty strings.
      const basedOn = input.basedOn || undefined;
      if (!input.engine && !basedOn) {
        throw new InputError(
          'name the engine program that starts the version, or a version to base this one on',
        );
      }
      const base = basedOn
        ? await baseVersion(client, as, input.templateId, basedOn)
        : undefined;
      const request: CreateVersionRequest = {
        templateId: input.templateId,
        version: input.version,
        status: input.status ?? 'active',
        dataLayout: input.dataLayout ?? base?.dataLayout,
        pools: input.pools.length > 0 ? input.pools : base?.pools ?? [],
        defaultPool: input.defaultPool || undefined,
        basedOn,
        runtime: input.engine ? { local: { engine: input.engine } } : {},
        migrations: input.migrations.map(m => ({
          fromLayout: m.fromLayout,
          toLayout: m.toLayout,
          local: { engine: m.engine },
        })),
      };
      const created = await client.createVersion(
        as,
        request,
        ctx.isDryRun ?? false,
      );
      const what = `version ${created.version.version} of ${created.templateId}`;
      if (ctx.isDryRun)
        ctx.logger.info(
          `Would create ${what}${
            created.outcome === 'existing' ? ' (it exists already)' : ''
          }`,
        );
      else
        ctx.logger.info(
          created.outcome === 'created'
            ? `Created ${what}`
            : `${what} exists already, unchanged`,
        );
      ctx.output('templateId', created.templateId);
      ctx.output('version', created.version.version);
      ctx.output('outcome', created.outcome);
      ctx.output(
        'entityRef',
        catalogRefs.version(created.templateId, created.version.version),
      );
    },
  });
}

/** The version a new one is based on, as the gateway lists it; a clear error when there is none. */
async function baseVersion(
  client: GatewayClient,
  as: BackstageCredentials,
  templateId: string,
  version: string,
) {
  const template = (await client.templates(as)).find(t => t.id === templateId);
  if (!template)
    throw new InputError(`unknown engine template "${templateId}"`);
  const base = template.versions.find(v => v.version === version);
  if (!base)
    throw new InputError(
      `template "${templateId}" has no version "${version}" to base a new one on`,
    );
  return base;
}
