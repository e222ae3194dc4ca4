import {
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  makeInformer,
  ObjectCache,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { describeKubeError } from '../cluster/kubeErrors';

export interface WatchedKindOptions<T extends KubernetesObject> {
  /** For log lines: `pods`, `nodes`. */
  name: string;
  kubeConfig: KubeConfig;
  /** The API path the watch follows, e.g. `/api/v1/nodes`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  logger: LoggerService;
  onChange?: (object: T) => void;
  onDelete?: (object: T) => void;
  /** Retry delays after errors, doubling from the first to the last. */
  retryMs?: { first: number; max: number };
}

/**
 * One list+watch of a kind, kept open: client-node's informer keeps a cache
 * and calls back on changes, but stops at the first error, so this restarts
 * it with a growing delay. While it cannot reach the cluster, `lastError`
 * says why.
 */
export class WatchedKind<T extends KubernetesObject> {
  private readonly informer;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private delayMs: number;
  private synced = false;
  private resolveSynced!: () => void;
  private readonly syncedPromise = new Promise<void>(r => {
    this.resolveSynced = r;
  });
  lastError?: string;

  constructor(private readonly options: WatchedKindOptions<T>) {
    this.delayMs = options.retryMs?.first ?? 1000;
    this.informer = makeInformer<T>(
      options.kubeConfig,
      options.path,
      async () => {
        const list = await options.list();
        // The informer fills its cache right after this returns, in the
        // same turn; waiters run after that.
        setImmediate(() => this.listed());
        return list;
      },
      options.labelSelector,
    );
    if (options.onChange) {
      this.informer.on('add', options.onChange);
      this.informer.on('update', options.onChange);
    }
    if (options.onDelete) this.informer.on('delete', options.onDelete);
    this.informer.on('error', error => this.failed(error));
  }

  get cache(): ObjectCache<T> {
    return this.informer;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list arrived; it never rejects (see `lastError`). */
  whenSynced(): Promise<void> {
    return this.syncedPromise;
  }

  start(): void {
    this.stopped = false;
    this.informer.start().catch(error => this.failed(error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.informer.stop();
  }

  private listed() {
    if (this.lastError) {
      this.options.logger.info(`Watching ${this.options.name} again`);
    }
    this.lastError = undefined;
    this.delayMs = this.options.retryMs?.first ?? 1000;
    if (!this.synced) {
      this.synced = true;
      this.resolveSynced();
    }
  }

  private failed(error: unknown) {
    if (this.stopped) return;
    const message = describeKubeError(error);
    if (message !== this.lastError) {
      this.options.logger.warn(
        `Watch of ${this.options.name} failed, retrying: ${message}`,
      );
    }
    this.lastError = message;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.stopped) this.start();
    }, this.delayMs);
    // A retry never keeps the process alive on its own.
    this.timer.unref();
    this.delayMs = Math.min(
      this.delayMs * 2,
      this.options.retryMs?.max ?? 30_000,
    );
  }
}
