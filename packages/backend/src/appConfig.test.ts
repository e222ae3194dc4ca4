import { resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import {
  formatZodError,
  gatewayConfigSchema,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

const repoRoot = resolve(__dirname, '../../..');

/** The portal's config files as the backend reads them, includes and all. */
async function load(files: string[]) {
  const { appConfigs } = await loadConfig({
    configRoot: repoRoot,
    configTargets: files.map(file => ({ path: resolve(repoRoot, file) })),
  });
  return ConfigReader.fromConfigs(appConfigs);
}

describe("the portal's app-config", () => {
  it('parses, and its aigcGateway section (with the included sample engine) is valid', async () => {
    const config = await load(['app-config.yaml']);
    const parsed = gatewayConfigSchema.safeParse(config.get('aigcGateway'));
    expect(
      parsed.success ? 'valid' : formatZodError(parsed.error, 'aigcGateway'),
    ).toBe('valid');
    const sample = parsed.data!.templates.find(t => t.id === 'sample-engine')!;
    expect(
      sample.versions.map(v => [v.version, v.dataLayout, v.migrations.length]),
    ).toEqual([
      ['1.0.0', 1, 0],
      ['2.0.0', 2, 2],
    ]);
    expect(sample.versions[1].runtime.local).toEqual({
      engine: 'sample-engine',
    });
    // `$${…}` reaches the runtime as `${…}`, for it to fill in.
    expect(
      config.getStringArray(
        'aigcGateway.runtime.local.engines.sample-engine.args',
      ),
    ).toContain('${dataDir}');
  });
});
