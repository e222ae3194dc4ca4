import { formatZodError } from './formatZodError';
import { gatewayConfigSchema } from './gatewayConfig';

const pool = { id: 'a100', title: 'A100', gpuType: 'A100', pricePerHour: 2 };
const template = {
  id: 'sd-webui',
  title: 'Stable Diffusion WebUI',
  owner: 'group:default/aigc-admins',
  kind: 'sd-webui',
  versions: [{ version: '1.0.0', pools: ['a100'] }],
};

function problems(raw: unknown) {
  const parsed = gatewayConfigSchema.safeParse(raw);
  return parsed.success ? 'valid' : formatZodError(parsed.error, 'aigcGateway');
}

describe('gatewayConfigSchema', () => {
  it('fills the defaults of an empty section', () => {
    const config = gatewayConfigSchema.parse({});
    expect(config).toMatchObject({
      currency: 'USD',
      pools: [],
      templates: [],
      runtime: {},
      idle: { timeoutMinutes: 30, timeZone: 'UTC' },
      cost: { timeZone: 'UTC', alertThresholds: [80, 100] },
    });
  });

  it('fills the defaults of pools and versions', () => {
    const config = gatewayConfigSchema.parse({
      pools: [pool],
      templates: [template],
    });
    expect(config.pools[0]).toMatchObject({
      gpusPerInstance: 1,
      kubernetes: { gpuResource: 'nvidia.com/gpu', nodeSelector: {} },
    });
    expect(config.templates[0].versions[0]).toEqual({
      version: '1.0.0',
      status: 'active',
      dataLayout: 1,
      pools: ['a100'],
      runtime: {},
      migrations: [],
    });
  });

  it('reads numbers that come from the environment as strings', () => {
    // app-config's ${VAR} substitution always gives a string.
    const config = gatewayConfigSchema.parse({
      engineOrigins: { port: '7018', publicPort: ' 443 ' },
      pools: [{ ...pool, pricePerHour: '2.5', capacity: '4' }],
    });
    expect(config.engineOrigins).toMatchObject({ port: 7018, publicPort: 443 });
    expect(config.pools[0]).toMatchObject({ pricePerHour: 2.5, capacity: 4 });
    expect(problems({ engineOrigins: { port: '70x8' } })).toBe(
      'aigcGateway.engineOrigins.port: Expected number, received string',
    );
    expect(problems({ engineOrigins: { port: '' } })).toBe(
      'aigcGateway.engineOrigins.port: Expected number, received string',
    );
  });

  it('names each bad key in one line', () => {
    expect(
      problems({
        pools: [{ ...pool, pricePerHour: 'cheap' }, pool],
        templates: [
          {
            ...template,
            versions: [{ version: '1.0.0', pools: ['h100'] }],
          },
        ],
      }),
    ).toBe(
      'aigcGateway.pools[0].pricePerHour: Expected number, received string',
    );
    expect(
      problems({
        pools: [pool, pool],
        templates: [
          { ...template, versions: [{ version: '1.0.0', pools: ['h100'] }] },
        ],
      }),
    ).toBe(
      'aigcGateway.pools[1].id: duplicate pool id "a100"; ' +
        'aigcGateway.templates[0].versions[0].pools[0]: unknown pool "h100" (configured pools: a100)',
    );
  });

  it('refuses a migration that keeps the layout and a default pool the version does not list', () => {
    expect(
      problems({
        pools: [pool],
        templates: [
          {
            ...template,
            versions: [
              {
                version: '2.0.0',
                pools: ['a100'],
                defaultPool: 'rtx',
                migrations: [
                  { fromLayout: 1, toLayout: 1, local: { engine: 'm' } },
                ],
              },
            ],
          },
        ],
      }),
    ).toBe(
      'aigcGateway.templates[0].versions[0].migrations[0].toLayout: a migration must change the data layout (fromLayout equals toLayout); ' +
        'aigcGateway.templates[0].versions[0].defaultPool: "rtx" is not one of this version\'s pools (a100)',
    );
  });

  it('refuses a local runtime spec that names a program instead of an engine install', () => {
    expect(
      problems({
        pools: [pool],
        templates: [
          {
            ...template,
            versions: [
              {
                version: '1.0.0',
                pools: ['a100'],
                runtime: { local: { engine: 'sd', command: '/bin/sh' } },
              },
            ],
          },
        ],
      }),
    ).toBe(
      "aigcGateway.templates[0].versions[0].runtime.local: Unrecognized key(s) in object: 'command'",
    );
  });
});
