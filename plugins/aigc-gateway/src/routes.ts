import { createRouteRef } from '@backstage/core-plugin-api';

/** The gateway page; shared by the new frontend system and legacy apps. */
export const rootRouteRef = createRouteRef({ id: 'aigc-gateway' });
