import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';

/**
 * The "keep it" of an idle warning: the notification links to the gateway
 * page with `?keep=<instance>`, and opening it marks the instance active.
 */
export const KeepAliveNotice = () => {
  const [params] = useSearchParams();
  const id = params.get('keep');
  const api = useApi(aigcGatewayApiRef);
  const { loading, error } = useAsync(
    async () => (id ? api.keepAlive(id) : undefined),
    [api, id],
  );
  if (!id || loading) return null;
  if (error)
    return (
      <WarningPanel
        severity="error"
        title="The engine could not be kept"
        message={error.message}
      />
    );
  return (
    <InfoCard>
      <Typography role="status">
        Kept: the engine stays up, and its idle time starts again.
      </Typography>
    </InfoCard>
  );
};
