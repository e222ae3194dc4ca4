/**
 * The AIGC Gateway's configuration model (types and zod schemas of
 * `aigcGateway`), the EngineRuntime contract and its extension point.
 *
 * @packageDocumentation
 */
export * from './runtime';
export * from './extensions';
export * from './migrations';
export * from './ingressHosts';
export * from './clock';
export * from './config';
