import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import { aigcGatewayApiRef } from '../api/AigcGatewayApi';

/**
 * Opens an engine in a new tab at its own origin, through the gateway's
 * sign-in. That navigation carries no token, so the gateway's user cookie is
 * set first. The tab gets neither `window.opener` nor a referrer: an engine's
 * pages cannot reach back into the portal's tab.
 */
export const OpenButton = (props: { url: string }) => {
  const api = useApi(aigcGatewayApiRef);
  return (
    <Button
      variant="outlined"
      color="primary"
      onClick={async () => {
        await api.authorizeBrowser();
        window.open(props.url, '_blank', 'noopener,noreferrer');
      }}
    >
      Open
    </Button>
  );
};
