import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, Progress } from '@backstage/core-components';
import { VersionListResponse } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { RolloutForm } from './RolloutForm';
import { RolloutList } from './RolloutList';

/** Progress is followed by polling: a rollout moves an instance every few seconds at most. */
const REFRESH_MS = 3000;

/** Rollouts for admins: start one after a dry run, and follow and steer those under way. */
export const RolloutsSection = (props: {
  templates: VersionListResponse['items'];
  onChanged: () => void;
}) => {
  const api = useApi(aigcGatewayApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listRollouts(),
    [api],
  );
  useInterval(retry, REFRESH_MS);
  const refresh = () => {
    retry();
    props.onChanged();
  };

  if (loading && !value && !error) return <Progress />;
  if (error && !value) {
    return (
      <InfoCard title="Rollouts">
        <Typography variant="body2" role="status">
          {(error as { statusCode?: number }).statusCode === 403
            ? 'Rollouts are for holders of the aigc-gateway.version.manage permission.'
            : `Rollouts could not be loaded: ${error.message}`}
        </Typography>
      </InfoCard>
    );
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <RolloutForm templates={props.templates} onStarted={refresh} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Rollouts">
          <RolloutList rollouts={value ?? []} onChanged={refresh} />
        </InfoCard>
      </Grid>
    </Grid>
  );
};
