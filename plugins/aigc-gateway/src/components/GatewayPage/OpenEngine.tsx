import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { leavePortal } from './leavePortal';

/**
 * An engine's address opened without the portal's sign-in (a bookmark, a
 * link): the gateway sends the browser here with `?open=<address>`; signed
 * in, the page gives the browser the gateway's cookie and goes on to the
 * engine through the gateway's sign-in, which checks the address.
 */
export const OpenEngine = (props: {
  /** How the tab leaves the portal (a test's stand-in). */
  leave?: (url: string) => void;
}) => {
  const leave = props.leave ?? leavePortal;
  const [params] = useSearchParams();
  const address = params.get('open');
  const api = useApi(aigcGatewayApiRef);
  const [{ error }, open] = useAsyncFn(async () => {
    await api.authorizeBrowser();
    leave(await api.engineSignInUrl(address!));
  }, [api, address, leave]);
  const valid = Boolean(address && /^https?:\/\//.test(address));
  useEffect(() => {
    if (valid) void open();
  }, [valid, open]);
  if (!address) return null;
  if (!valid || error)
    return (
      <WarningPanel
        severity="error"
        title="The engine could not be opened"
        message={error?.message ?? `${address} is not an engine's address`}
      />
    );
  return (
    <InfoCard>
      <Typography role="status">Opening your engine…</Typography>
    </InfoCard>
  );
};
