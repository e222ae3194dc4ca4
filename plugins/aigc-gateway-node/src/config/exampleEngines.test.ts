import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formatZodError } from './formatZodError';
import { gatewayConfigSchema } from './gatewayConfig';

/** The repository's engine definitions, as an adopter includes them. */
const examples = join(__dirname, '../../../../examples/engines');
const files = readdirSync(examples).filter(f => f.endsWith('.yaml'));
const readme = readFileSync(join(examples, 'README.md'), 'utf8');

describe('the engine definitions in examples/engines', () => {
  it('are all here: ComfyUI, SD WebUI, InvokeAI, Ollama with Open WebUI, vLLM and the sample engine', () => {
    expect(files.sort()).toEqual([
      'comfyui.yaml',
      'invokeai.yaml',
      'ollama-open-webui.yaml',
      'sample-engine.yaml',
      'sd-webui.yaml',
      'vllm.yaml',
    ]);
  });

  it.each(files)(
    '%s is a valid template with two or more versions, in a gateway with its pools',
    file => {
      const template = parse(readFileSync(join(examples, file), 'utf8'));
      const pools = [
        ...new Set<string>(
          template.versions.flatMap((v: { pools: string[] }) => v.pools),
        ),
      ].map(id => ({ id, title: id, gpuType: 'A100', pricePerHour: 2 }));
      const parsed = gatewayConfigSchema.safeParse({
        pools,
        templates: [template],
      });
      expect(
        parsed.success ? 'valid' : formatZodError(parsed.error, 'aigcGateway'),
      ).toBe('valid');
      const [parsedTemplate] = parsed.success ? parsed.data.templates : [];
      expect(parsedTemplate.versions.length).toBeGreaterThanOrEqual(2);
      for (const version of parsedTemplate.versions) {
        // Every version runs somewhere, and images are pinned by a tag.
        expect(
          version.runtime.local ?? version.runtime.kubernetes,
        ).toBeDefined();
        if (version.runtime.kubernetes)
          expect(version.runtime.kubernetes.image).toMatch(/:[^:/]+$/);
        expect(version.runtime.kubernetes?.image ?? '').not.toMatch(/:latest$/);
        // The programs local versions name are declared in the README.
        if (version.runtime.local && file !== 'sample-engine.yaml')
          expect(readme).toContain(`${version.runtime.local.engine}:`);
      }
    },
  );
});
