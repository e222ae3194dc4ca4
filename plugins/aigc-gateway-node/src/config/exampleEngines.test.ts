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
  it('are all here: ComfyUI, SD WebUI and Forge, InvokeAI, Ollama with Open WebUI, vLLM and the sample engine', () => {
    expect(files.sort()).toEqual([
      'comfyui.yaml',
      'invokeai.yaml',
      'ollama-open-webui.yaml',
      'sample-engine.yaml',
      'sd-webui-forge.yaml',
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
      const { versions } = parsedTemplate;
      // Every version runs somewhere, and its image is pinned by a tag.
      expect(
        versions.filter(v => !v.runtime.local && !v.runtime.kubernetes),
      ).toEqual([]);
      const images = versions.flatMap(v =>
        v.runtime.kubernetes ? [v.runtime.kubernetes.image] : [],
      );
      expect(
        images.filter(i => !/:[^:/]+$/.test(i) || /:latest$/.test(i)),
      ).toEqual([]);
      // The programs local versions name are declared in the README.
      const programs =
        file === 'sample-engine.yaml'
          ? []
          : versions.flatMap(v =>
              v.runtime.local ? [v.runtime.local.engine] : [],
            );
      expect(programs.filter(p => !readme.includes(`${p}:`))).toEqual([]);
    },
  );
});
