import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  VersionStatus,
  VersionUsageView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { RolloutsSection } from './RolloutsSection';

/** The status changes offered from each status. */
const nextStatuses: Record<VersionStatus, VersionStatus[]> = {
  active: ['deprecated', 'retired'],
  deprecated: ['active', 'retired'],
  retired: ['active'],
};
const actionLabel: Record<VersionStatus, string> = {
  active: 'Activate',
  deprecated: 'Deprecate',
  retired: 'Retire',
};

/**
 * Versions per engine template, with status, source and the instances on
 * each; admins change the status of versions created through the API.
 * New versions come from the "Create an engine version" template; rollouts
 * move many instances between versions.
 */
export const VersionsView = () => {
  const api = useApi(aigcGatewayApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listVersions(),
    [api],
  );
  const [actionError, setActionError] = useState<string>();
  // Instance counts move as engines launch, release and switch versions.
  useInterval(retry, 5000);

  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.length) {
    return (
      <EmptyState
        missing="data"
        title="No engine templates"
        description="Templates and their versions appear here."
      />
    );
  }

  const setStatus =
    (templateId: string, version: string, status: VersionStatus) =>
    async () => {
      setActionError(undefined);
      try {
        await api.setVersionStatus(templateId, version, status);
      } catch (e) {
        setActionError((e as Error).message);
      }
      retry();
    };

  const columns = (templateId: string): TableColumn<VersionUsageView>[] => [
    { title: 'Version', field: 'version' },
    {
      title: 'Status',
      render: v => (
        <span data-testid={`status-${templateId}-${v.version}`}>
          {v.status}
        </span>
      ),
    },
    { title: 'Data layout', field: 'dataLayout' },
    { title: 'Pools', render: v => v.pools.join(', ') },
    {
      title: 'Instances',
      render: v =>
        `${v.instances.holdingCompute} running of ${v.instances.total}`,
    },
    {
      title: 'Source',
      render: v => (v.source === 'config' ? 'app-config' : 'API'),
    },
    {
      title: 'Actions',
      render: v =>
        v.source === 'api' ? (
          nextStatuses[v.status].map(status => (
            <Button
              key={status}
              size="small"
              onClick={setStatus(templateId, v.version, status)}
            >
              {actionLabel[status]}
            </Button>
          ))
        ) : (
          <Typography variant="caption">change it in app-config</Typography>
        ),
    },
  ];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard>
          <Typography variant="body2">
            New versions come from the “Create an engine version” template in
            Create. Instances switch version from the Instances tab once
            released, or many at once with a rollout below.
          </Typography>
        </InfoCard>
      </Grid>
      {actionError && (
        <Grid item xs={12}>
          <Typography color="error" role="alert">
            {actionError}
          </Typography>
        </Grid>
      )}
      {value.map(t => (
        <Grid item xs={12} key={t.templateId}>
          <Table<VersionUsageView>
            title={t.title}
            options={{ paging: false, search: false }}
            columns={columns(t.templateId)}
            data={t.versions}
          />
        </Grid>
      ))}
      <Grid item xs={12}>
        <RolloutsSection templates={value} onChanged={retry} />
      </Grid>
    </Grid>
  );
};
