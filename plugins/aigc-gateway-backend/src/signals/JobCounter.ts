import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerService } from '@backstage/backend-plugin-api';
import { EngineRuntime } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { EngineConnections } from '../gateway/EngineConnections';
import { Definitions } from '../store/DefinitionStore';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import { CounterReadings, JobStore } from '../store/JobStore';
import type { GatewayMetrics } from '../metrics/GatewayMetrics';
import {
  countsFromZero,
  engineJobCount,
  hasJobCounter,
  isAnyJobRequest,
  isJobRequest,
} from './jobSignal';

/**
 * Counts the jobs engines complete (jobSignal.ts says how, per kind): it
 * reads the counters of engines that keep one, on a schedule and once more
 * before an engine is released, and counts the job requests of the others
 * as the proxy answers them. A counter is the engine's own word, which
 * hostile engine code can inflate: counts inform, they bill nothing.
 */
export class JobCounter {
  constructor(
    private readonly deps: {
      store: InstanceStore;
      jobs: JobStore;
      definitions: () => Definitions;
      runtime: EngineRuntime;
      connections: Pick<EngineConnections, 'getText'>;
      logger: LoggerService;
      metrics: Pick<GatewayMetrics, 'jobsCompleted'>;
    },
  ) {}

  /**
   * Counts a proxied request as a job when it is one for its engine's kind
   * and the engine answers it in full with success.
   */
  observe(
    instanceId: string,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ) {
    if (!isAnyJobRequest(req.method, path)) return;
    res.once('finish', () => {
      if (res.statusCode < 200 || res.statusCode >= 300) return;
      this.countRequest(instanceId, req.method, path).catch(error =>
        this.deps.logger.warn(
          `Could not count a job of instance ${instanceId}: ${error}`,
        ),
      );
    });
  }

  /** Reads the counter of every running engine that keeps one. */
  async check(): Promise<void> {
    const [running, readings] = await Promise.all([
      this.deps.store.listInStates(['running']),
      this.deps.jobs.openReadings(),
    ]);
    for (const instance of running) {
      try {
        const last = readings.get(instance.id);
        if (last) await this.read(instance, last);
      } catch (error) {
        this.deps.logger.warn(
          `Reading the completed jobs of instance ${instance.id} failed: ${error}`,
        );
      }
    }
  }

  /** Reads one engine's counter now, before its compute goes. */
  async collect(instance: InstanceRecord): Promise<void> {
    const last = (await this.deps.jobs.openReadings()).get(instance.id);
    if (last) await this.read(instance, last);
  }

  private async read(instance: InstanceRecord, readings: CounterReadings) {
    const template = this.deps.definitions().templates.get(instance.templateId);
    if (!template || !hasJobCounter(template.kind)) return;
    const endpoint = this.deps.runtime.endpoint(instance.id);
    if (!endpoint) return;
    const value = await engineJobCount(
      template.kind,
      endpoint,
      this.deps.connections,
      { probePath: template.busyProbePath },
    );
    if (value === undefined || value === readings.current) return;
    // An engine that counts from zero at each start has done what it shows
    // at its first reading; one that keeps its count in its data goes on
    // from its reading before. A counter that went back was reset (a
    // restart, a cleared history): then the same, with nothing kept.
    const fromZero = countsFromZero(template.kind);
    const last = readings.current ?? (fromZero ? 0 : readings.previous ?? 0);
    let completed = value - last;
    if (completed < 0) completed = fromZero ? value : 0;
    if (
      await this.deps.jobs.advance(
        instance.id,
        readings.current,
        value,
        completed,
      )
    )
      this.deps.metrics.jobsCompleted(instance.templateId, completed);
  }

  private async countRequest(
    instanceId: string,
    method: string | undefined,
    path: string,
  ) {
    const instance = await this.deps.store.get(instanceId);
    const template =
      instance && this.deps.definitions().templates.get(instance.templateId);
    if (template && isJobRequest(template.kind, method, path)) {
      await this.deps.jobs.add(instanceId, 1);
      this.deps.metrics.jobsCompleted(template.id, 1);
    }
  }
}
