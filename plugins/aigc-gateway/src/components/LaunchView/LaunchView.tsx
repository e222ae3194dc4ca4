import { useApi } from '@backstage/core-plugin-api';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Fragment } from 'react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { TemplateCard } from './TemplateCard';
import { MonthToDateSpend } from './MonthToDateSpend';
import { groupByKind } from './engineGroups';

const CAPACITY_REFRESH_MS = 15_000;

/** Every engine template the caller may launch, by what it makes, with live pool capacity. */
export const LaunchView = (props: { onLaunched?: () => void }) => {
  const api = useApi(aigcGatewayApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => ({
      templates: await api.listTemplates(),
      pools: await api.listPools(),
    }),
    [api],
  );
  // Free capacity changes as others launch and release.
  useInterval(retry, CAPACITY_REFRESH_MS);
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.templates.length) {
    return (
      <EmptyState
        missing="data"
        title="No engine templates"
        description="Add templates under aigcGateway.templates in app-config.yaml and restart the backend."
      />
    );
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <MonthToDateSpend />
      </Grid>
      {groupByKind(value.templates).map(group => (
        <Fragment key={group.title}>
          <Grid item xs={12}>
            <Typography variant="h6" component="h2">
              {group.title}
            </Typography>
          </Grid>
          {group.templates.map(t => (
            <Grid item xs={12} key={t.id}>
              <TemplateCard
                template={t}
                pools={value.pools}
                onLaunched={() => {
                  retry();
                  props.onLaunched?.();
                }}
              />
            </Grid>
          ))}
        </Fragment>
      ))}
    </Grid>
  );
};
