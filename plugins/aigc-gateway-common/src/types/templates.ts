import { EngineKind, VersionStatus } from './definitions';

/**
 * A version as the API shows it: what a caller needs to choose one, not how it runs.
 *
 * @public
 */
export interface EngineVersionView {
  version: string;
  status: VersionStatus;
  dataLayout: number;
  pools: string[];
  defaultPool: string;
}

/**
 * One entry of `GET /templates`.
 *
 * @public
 */
export interface EngineTemplateView {
  id: string;
  title: string;
  description: string;
  icon?: string;
  owner: string;
  kind: EngineKind;
  versions: EngineVersionView[];
}

/** @public */
export interface TemplateListResponse {
  items: EngineTemplateView[];
}

/**
 * The error body of every 4xx/5xx answer, as Backstage's error handler writes it.
 *
 * @public
 */
export interface ApiErrorBody {
  error: { name: string; message: string };
}

/**
 * The answer to `POST /versions[?dryRun=true]`: 201 when created, 200 when
 * that exact version was there already or in a dry run (which stores nothing).
 *
 * @public
 */
export interface CreateVersionResponse {
  templateId: string;
  version: EngineVersionView;
  outcome: 'created' | 'existing';
  dryRun: boolean;
}

/**
 * One version in `GET /versions`: where it comes from and how many instances use it.
 *
 * @public
 */
export interface VersionUsageView extends EngineVersionView {
  /** `config` (app-config) or `api` (created through `POST /versions`). */
  source: 'config' | 'api';
  instances: { total: number; holdingCompute: number };
}

/**
 * `GET /versions`: every template's versions, newest first, with their use.
 *
 * @public
 */
export interface VersionListResponse {
  items: Array<{
    templateId: string;
    title: string;
    versions: VersionUsageView[];
  }>;
}
