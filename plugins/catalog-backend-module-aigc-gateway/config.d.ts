import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** The AIGC Gateway entity provider. */
      aigcGateway?: {
        /** Full refresh schedule. Defaults to every 5 minutes; instance changes also refresh within seconds. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
