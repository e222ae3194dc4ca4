import { pools } from '../__testUtils__/fixtures';
import { exampleKubernetesVersions } from '../__testUtils__/exampleEngines';
import { enginePodSpec } from './enginePodSpec';

const versions = exampleKubernetesVersions();

/** The pod of a version on an A100 pool, as the runtime makes it. */
const podOf = (templateId: string, version: (typeof versions)[number][2]) =>
  enginePodSpec({
    templateId,
    version,
    pool: pools.a100,
    instanceId: { value: '0f6c3c52-8a4e-4d0b-9a51-3c2b1f0e7d11' },
    claimName: 'aigc-data',
    stopGracePeriodSeconds: 30,
  });

describe('the pods of the engine definitions in examples/engines', () => {
  it('cover every engine with a Kubernetes spec', () => {
    expect(new Set(versions.map(([, id]) => id))).toEqual(
      new Set([
        'comfyui',
        'sd-webui',
        'sd-webui-forge',
        'invokeai',
        'ollama-open-webui',
        'vllm',
      ]),
    );
  });

  it.each(versions)(
    '%s: the pinned image, its port probed for readiness and liveness, the volume at /data',
    (_name, templateId, version) => {
      const spec = version.runtime.kubernetes!;
      const pod = podOf(templateId, version);
      const engine = pod.containers.find(c => c.name === 'engine')!;
      expect(engine.image).toBe(spec.image);
      expect(engine.ports).toEqual([
        { name: 'http', containerPort: spec.port, protocol: 'TCP' },
      ]);
      expect(engine.readinessProbe?.httpGet?.path).toBe(spec.readinessPath);
      expect(engine.livenessProbe?.httpGet).toEqual({
        path: spec.readinessPath,
        port: spec.port,
      });
      expect(engine.volumeMounts).toEqual([
        { name: 'data', mountPath: '/data' },
      ]);
      // One container holds the pool's GPU.
      const holding = pod.containers.filter(
        c => c.resources?.limits?.['nvidia.com/gpu'],
      );
      expect(holding).toHaveLength(1);
    },
  );

  it('runs Ollama beside Open WebUI, on the same volume, with the GPU', () => {
    const [, templateId, version] = versions.find(
      ([, id]) => id === 'ollama-open-webui',
    )!;
    const pod = podOf(templateId, version);
    const [webui, ollama] = pod.containers;
    expect(webui.resources).toBeUndefined();
    expect(ollama).toMatchObject({
      name: 'ollama',
      image: expect.stringMatching(/^ollama\/ollama:\d+\.\d+\.\d+$/),
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
      resources: { limits: { 'nvidia.com/gpu': 1 } },
    });
    expect(webui.env).toContainEqual({
      name: 'OLLAMA_BASE_URL',
      value: 'http://127.0.0.1:11434',
    });
  });
});
