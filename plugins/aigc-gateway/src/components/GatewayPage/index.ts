export { GatewayPage } from './GatewayPage';
