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
