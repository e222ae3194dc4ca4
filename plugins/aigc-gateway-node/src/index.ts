/**
 * The EngineRuntime contract of the AIGC Gateway and its extension point.
 *
 * @packageDocumentation
 */
export * from './runtime';
export * from './extensions';
export * from './migrations';
export * from './ingressHosts';
export * from './clock';
