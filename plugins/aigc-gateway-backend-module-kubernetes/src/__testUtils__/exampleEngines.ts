import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  EngineVersion,
  engineTemplateSchema,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** The repository's engine definitions that run on Kubernetes, version by version: name, template id, version. */
export function exampleKubernetesVersions(): Array<
  readonly [string, string, EngineVersion]
> {
  const examples = join(__dirname, '../../../../examples/engines');
  return readdirSync(examples)
    .filter(f => f.endsWith('.yaml'))
    .map(f =>
      engineTemplateSchema.parse(
        parse(readFileSync(join(examples, f), 'utf8')),
      ),
    )
    .flatMap(t =>
      t.versions
        .filter(v => v.runtime.kubernetes)
        .map(v => [`${t.id} ${v.version}`, t.id, v] as const),
    );
}
