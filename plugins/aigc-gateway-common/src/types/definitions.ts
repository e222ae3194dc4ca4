/**
 * The kinds of engine the gateway knows how to watch for work and idleness.
 *
 * @public
 */
export const engineKinds = [
  'sd-webui',
  'comfyui',
  'invokeai',
  'ollama',
  'vllm',
  'generic-http',
] as const;

/** @public */
export type EngineKind = (typeof engineKinds)[number];

/**
 * A version's life: `deprecated` still launches but is not offered first,
 * `retired` launches no more.
 *
 * @public
 */
export const versionStatuses = ['active', 'deprecated', 'retired'] as const;

/** @public */
export type VersionStatus = (typeof versionStatuses)[number];

/**
 * On the local runtime a version or migration names an engine install that
 * the portal's operators declared under `aigcGateway.runtime.local.engines`.
 *
 * @public
 */
export interface LocalEngineRef {
  engine: string;
}

/**
 * The container of a version on the Kubernetes runtime, as a request gives it
 * (fields left out take the defaults the backend documents).
 *
 * @public
 */
export interface KubernetesContainerRequest {
  image: string;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  port?: number;
  readinessPath?: string;
  mountPath?: string;
  podSpecPatch?: Record<string, unknown>;
}

/**
 * A migration between two data layouts, as a request gives it.
 *
 * @public
 */
export interface MigrationRequest {
  fromLayout: number;
  toLayout: number;
  local?: LocalEngineRef;
  kubernetes?: {
    image: string;
    command?: string[];
    args?: string[];
    env?: Record<string, string>;
    timeoutSeconds?: number;
    podSpecPatch?: Record<string, unknown>;
  };
}

/**
 * The body of `POST /versions`: a new version of an existing template. With
 * `basedOn`, the runtime specs and migrations not given are those of that version.
 *
 * @public
 */
export interface CreateVersionRequest {
  templateId: string;
  basedOn?: string;
  version: string;
  status?: VersionStatus;
  dataLayout?: number;
  pools: string[];
  defaultPool?: string;
  runtime?: {
    local?: LocalEngineRef;
    kubernetes?: KubernetesContainerRequest;
  };
  migrations?: MigrationRequest[];
}

/**
 * The body of `PATCH /versions/:templateId/:version`.
 *
 * @public
 */
export interface VersionStatusRequest {
  status: VersionStatus;
}
