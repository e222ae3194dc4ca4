/**
 * The AIGC Gateway backend plugin.
 *
 * @packageDocumentation
 */
export { aigcGatewayPlugin as default } from './plugin';
export {
  instanceConditions,
  createInstanceConditionalDecision,
} from './permissions/rules';
export type { InstanceQuery, IsOwnerParams } from './permissions/rules';
export type { InstanceRecord } from './store/InstanceStore';
