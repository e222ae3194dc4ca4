import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import { aigcGatewayApiRef } from '../api/AigcGatewayApi';

/**
 * Opens an engine in a new tab through the gateway. The tab's navigation
 * carries no token, so the gateway's user cookie is set first.
 */
export const OpenButton = (props: { url: string }) => {
  const api = useApi(aigcGatewayApiRef);
  return (
    <Button
      variant="outlined"
      color="primary"
      onClick={async () => {
        // Open synchronously so the browser does not treat it as a popup.
        const tab = window.open('about:blank', '_blank');
        await api.authorizeBrowser();
        if (tab) tab.location.href = props.url;
      }}
    >
      Open
    </Button>
  );
};
