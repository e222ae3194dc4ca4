import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';

/**
 * The "keep it" of an idle warning: the notification links to the gateway
 * page with `?keep=<instance>`, which asks before it marks the instance
 * active. Opening a link changes nothing by itself, so no other site can
 * keep an engine (and its bill) running by sending the user there.
 */
export const KeepAliveNotice = () => {
  const [params] = useSearchParams();
  const id = params.get('keep');
  const api = useApi(aigcGatewayApiRef);
  const [{ loading, error, value }, keep] = useAsyncFn(
    async () => (id ? api.keepAlive(id).then(() => true) : false),
    [api, id],
  );
  if (!id) return null;
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
      {value ? (
        <Typography role="status">
          Kept: the engine stays up, and its idle time starts again.
        </Typography>
      ) : (
        <>
          <Typography paragraph>
            An idle engine of yours is about to be released (its data is kept).
            Keep it running?
          </Typography>
          <Button
            variant="contained"
            color="primary"
            disabled={loading}
            onClick={() => keep()}
          >
            Keep it running
          </Button>
        </>
      )}
    </InfoCard>
  );
};
