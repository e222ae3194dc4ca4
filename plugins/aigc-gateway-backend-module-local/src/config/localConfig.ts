import { z } from 'zod';
import {
  slugSchema,
  configNumber,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * A program the portal's operators installed on the backend's host. Versions
 * name it; they never carry a command line, so nobody who may create a
 * version through the API or a template chooses what the host executes.
 */
export const engineInstallSchema = z
  .object({
    /** `${node}`, `${port}`, `${dataDir}`, `${version}`, `${instanceId}`, `${fromLayout}` and `${toLayout}` are filled in. */
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string()).default({}),
    /** HTTP path that answers 2xx when the engine is ready (not used for migrations). */
    readinessPath: z.string().startsWith('/').default('/'),
    /** Where the program is installed (relative to workDir): all a sandboxed engine sees of the host besides the system's files, read-only. */
    paths: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** How engines are contained: bubblewrap namespaces, or not at all. */
export const sandboxSchema = z
  .object({
    /**
     * `bubblewrap`: each engine and migration in namespaces of its own, seeing
     * only its volume, its install and the system's files, with no network
     * but its own loopback. `none`: as the backend's user, uncontained.
     */
    mode: z.enum(['bubblewrap', 'none']).default('bubblewrap'),
    /** The bubblewrap program. */
    bwrap: z.string().min(1).default('bwrap'),
    /** More host paths every engine sees read-only (absolute). */
    readOnlyPaths: z.array(z.string().startsWith('/')).default([]),
    /** Devices engines get, e.g. /dev/nvidia0, /dev/nvidiactl and /dev/nvidia-uvm. */
    devices: z.array(z.string().startsWith('/dev/')).default([]),
  })
  .strict();

/** The `aigcGateway.runtime.local` section: where engines live, their ports and the installs versions may name. */
export const localRuntimeConfigSchema = z
  .object({
    dataRoot: z.string().min(1).default('.aigc-gateway'),
    workDir: z.string().min(1).optional(),
    ports: z
      .object({
        from: configNumber(z.number().int().min(1024).max(65535)),
        to: configNumber(z.number().int().min(1024).max(65535)),
      })
      .strict()
      .refine(p => p.from <= p.to, { message: '"from" must not be above "to"' })
      .default({ from: 17860, to: 17999 }),
    probeIntervalMs: configNumber(z.number().int().min(50).max(60_000)).default(
      1000,
    ),
    startTimeoutMs: configNumber(z.number().int().min(1000)).default(120_000),
    engines: z.record(slugSchema, engineInstallSchema).default({}),
    sandbox: sandboxSchema.default({}),
  })
  .strict();

/** @public */
export type EngineInstall = z.infer<typeof engineInstallSchema>;
export type SandboxConfig = z.infer<typeof sandboxSchema>;
export type LocalRuntimeConfig = z.infer<typeof localRuntimeConfigSchema>;
