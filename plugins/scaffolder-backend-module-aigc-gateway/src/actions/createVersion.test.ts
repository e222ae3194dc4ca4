import { actionContext as context } from '../__testUtils__/actionContext';
import {
  CreateVersionRequest,
  EngineTemplateView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewayClient } from '../GatewayClient';
import { createCreateVersionAction } from './createVersion';

const template: EngineTemplateView = {
  id: 'sample-engine',
  title: 'Sample Engine',
  description: '',
  owner: 'group:default/aigc-admins',
  kind: 'sd-webui',
  versions: [
    {
      version: '2.0.0',
      status: 'active',
      dataLayout: 2,
      pools: ['local', 'a100'],
      defaultPool: 'local',
    },
  ],
};

/** A gateway that records the versions it is asked to create. */
function fakeClient() {
  const posted: Array<{ request: CreateVersionRequest; dryRun: boolean }> = [];
  const client = {
    templates: async () => [template],
    createVersion: async (
      _as: unknown,
      request: CreateVersionRequest,
      dryRun: boolean,
    ) => {
      posted.push({ request, dryRun });
      const version = {
        version: request.version,
        status: 'active',
        dataLayout: request.dataLayout,
        pools: request.pools,
        defaultPool: request.pools[0],
      };
      return {
        templateId: request.templateId,
        version,
        outcome: 'created',
        dryRun,
      };
    },
  } as unknown as GatewayClient;
  return { client, posted };
}

describe('aigc:version:create', () => {
  it('takes layout and pools from the base version when not given, and passes the runtime it is given', async () => {
    const { client, posted } = fakeClient();
    const run = context({
      templateId: 'sample-engine',
      version: '2.1.0',
      basedOn: '2.0.0',
      engine: 'sample-engine-next',
    });
    await createCreateVersionAction({ client }).handler(run.ctx);
    expect(posted).toEqual([
      {
        dryRun: false,
        request: {
          templateId: 'sample-engine',
          version: '2.1.0',
          status: 'active',
          dataLayout: 2,
          pools: ['local', 'a100'],
          defaultPool: undefined,
          basedOn: '2.0.0',
          runtime: { local: { engine: 'sample-engine-next' } },
          migrations: [],
        },
      },
    ]);
    expect(run.outputs()).toEqual({
      templateId: 'sample-engine',
      version: '2.1.0',
      outcome: 'created',
      entityRef: 'component:default/sample-engine-v2.1.0',
    });
  });

  it('asks the gateway for a dry run, and says what is missing before asking at all', async () => {
    const { client, posted } = fakeClient();
    await createCreateVersionAction({ client }).handler(
      context(
        { templateId: 'sample-engine', version: '2.1.0', basedOn: '2.0.0' },
        true,
      ).ctx,
    );
    expect(posted.map(p => p.dryRun)).toEqual([true]);
    // Empty form fields arrive as empty strings.
    await expect(
      createCreateVersionAction({ client }).handler(
        context({
          templateId: 'sample-engine',
          version: '3.0.0',
          basedOn: '',
          engine: '',
        }).ctx,
      ),
    ).rejects.toThrow(
      'name the engine program that starts the version, or a version to base this one on',
    );
    await expect(
      createCreateVersionAction({ client }).handler(
        context({
          templateId: 'sample-engine',
          version: '3.0.0',
          basedOn: '9.9.9',
        }).ctx,
      ),
    ).rejects.toThrow(
      'template "sample-engine" has no version "9.9.9" to base a new one on',
    );
    expect(posted).toHaveLength(1);
  });
});
