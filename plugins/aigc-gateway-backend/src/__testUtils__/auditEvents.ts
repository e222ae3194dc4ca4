import {
  AuditorService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

/** An event the gateway gave Backstage's auditor, as it ended. */
export interface AuditedEvent {
  eventId: string;
  meta: JsonObject;
  status: 'succeeded' | 'failed';
  error?: string;
}

/** Backstage's auditor service, keeping the events it is given in `events`. */
export function recordingAuditor() {
  const events: AuditedEvent[] = [];
  const service: AuditorService = {
    createEvent: async ({ eventId, meta = {} }) => ({
      success: async options => {
        events.push({
          eventId,
          meta: { ...meta, ...options?.meta },
          status: 'succeeded',
        });
      },
      fail: async options => {
        events.push({
          eventId,
          meta: { ...meta, ...options.meta },
          status: 'failed',
          error: options.error.message,
        });
      },
    }),
  };
  const factory = createServiceFactory({
    service: coreServices.auditor,
    deps: {},
    factory: () => service,
  });
  return { service, factory, events };
}
