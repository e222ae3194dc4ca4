import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** The repository root, where test/kube lives. */
function repoRoot(): string {
  const start = resolvePackagePath(
    '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-kubernetes',
  );
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'test/kube/cluster.sh'))) return dir;
  }
  throw new Error('test/kube/cluster.sh not found above this package');
}

/** `AIGC_SKIP_KUBE=1` skips the tests that need the test control plane. */
export const kubeSkipped = process.env.AIGC_SKIP_KUBE === '1';

if (kubeSkipped && typeof expect !== 'undefined') {
  // Straight to stderr: jest shows no console output of a suite whose tests are all skipped.
  process.stderr.write(
    `AIGC_SKIP_KUBE=1: skipping ${
      expect.getState().testPath ?? 'the tests'
    }, which need the test Kubernetes control plane (test/kube)\n`,
  );
}

/** jest's `describe` for tests on the test control plane; skipped with AIGC_SKIP_KUBE=1. */
export function describeWithCluster(name: string, tests: () => void) {
  (kubeSkipped ? describe.skip : describe)(name, tests);
}

export interface TestCluster {
  name: string;
  kubeconfig: string;
  /** The bin folder with kubectl. */
  bin: string;
  stop(): void;
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(join(repoRoot(), 'test/kube', script), args, {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(
      `test/kube/${script} ${args.join(' ')} failed:\n${stdout ?? ''}\n${
        stderr ?? ''
      }`,
    );
  }
}

/**
 * Builds (or reuses) the control plane's binaries and starts a kwok cluster
 * of its own name, so test files and a developer's cluster do not meet.
 */
export function startTestCluster(
  name: string,
  extraEnv: Record<string, string> = {},
): TestCluster {
  const env = { ...process.env, AIGC_KUBE_CLUSTER: name, ...extraEnv };
  const bin = run('build.sh', [], env).trim().split('\n').pop()!;
  const lines = run('cluster.sh', ['start'], env);
  const kubeconfig = /export KUBECONFIG='([^']+)'/.exec(lines)?.[1];
  if (!kubeconfig)
    throw new Error(`cluster.sh start printed no KUBECONFIG:\n${lines}`);
  return {
    name,
    kubeconfig,
    bin,
    stop: () => {
      run('cluster.sh', ['stop'], env);
    },
  };
}
