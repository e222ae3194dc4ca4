export * from './primitives';
export * from './runtimeSpecs';
export * from './versions';
export * from './templates';
export * from './pools';
export * from './gatewayConfig';
export * from './formatZodError';
