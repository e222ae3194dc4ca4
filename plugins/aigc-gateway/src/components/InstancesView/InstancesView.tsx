import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  CopyTextButton,
  EmptyState,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { InstanceView } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { OpenButton } from '../OpenButton';
import { DeleteDialog } from './DeleteDialog';
import { SwitchVersionDialog } from './SwitchVersionDialog';

/** The caller's instances (or everyone's, for admins) with their actions; optionally of one engine template. */
export const InstancesView = (props: {
  scope?: 'mine' | 'all';
  templateId?: string;
}) => {
  const api = useApi(aigcGatewayApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () =>
      (await api.listInstances({ scope: props.scope })).filter(
        i => !props.templateId || i.templateId === props.templateId,
      ),
    [api, props.scope, props.templateId],
  );
  const [deleting, setDeleting] = useState<InstanceView>();
  const [switching, setSwitching] = useState<InstanceView>();
  const [actionError, setActionError] = useState<string>();
  // States change on their own (starting → running); keep the table fresh.
  useInterval(retry, 3000);

  const act = (action: () => Promise<unknown>) => async () => {
    setActionError(undefined);
    try {
      await action();
    } catch (e) {
      setActionError((e as Error).message);
    }
    retry();
  };

  const columns: TableColumn<InstanceView>[] = [
    { title: 'Engine', field: 'templateId' },
    { title: 'Version', field: 'version' },
    { title: 'Pool', field: 'poolId' },
    { title: 'Name', field: 'name' },
    {
      title: 'Address',
      render: i => (
        <span data-testid={`address-${i.id}`}>
          <CopyTextButton
            text={i.address}
            tooltipText="Address copied: it opens the engine, and starts it when released"
          />
        </span>
      ),
    },
    ...(props.scope === 'all' ? [{ title: 'Owner', field: 'ownerRef' }] : []),
    {
      title: 'Jobs done',
      field: 'jobsCompleted',
      type: 'numeric',
      render: i => <span data-testid={`jobs-${i.id}`}>{i.jobsCompleted}</span>,
    },
    {
      title: 'State',
      render: i => (
        <span data-testid={`state-${i.id}`}>
          {i.state}
          {i.queuePosition ? ` (position ${i.queuePosition})` : ''}
          {i.failureReason ? `: ${i.failureReason}` : ''}
        </span>
      ),
    },
    {
      title: 'Actions',
      render: i => (
        <>
          {i.state === 'running' && <OpenButton url={i.url} />}
          {['running', 'starting', 'queued'].includes(i.state) && (
            <Button onClick={act(() => api.release(i.id))}>Release</Button>
          )}
          {['released', 'failed'].includes(i.state) && (
            <Button onClick={act(() => api.relaunch(i.id))}>
              Launch again
            </Button>
          )}
          {i.state === 'released' && (
            <Button onClick={() => setSwitching(i)}>Switch version</Button>
          )}
          {['released', 'failed'].includes(i.state) && (
            <Button color="secondary" onClick={() => setDeleting(i)}>
              Delete
            </Button>
          )}
        </>
      ),
    },
  ];

  if (error) return <ResponseErrorPanel error={error} />;
  if (!loading && value?.length === 0) {
    return (
      <EmptyState
        missing="content"
        title="No instances yet"
        description="Launch an engine from the Launch tab; it shows up here."
      />
    );
  }
  return (
    <>
      {actionError && (
        <Typography color="error" role="alert">
          {actionError}
        </Typography>
      )}
      <Table<InstanceView>
        title={props.scope === 'all' ? 'All instances' : 'My instances'}
        options={{ paging: false, search: false }}
        isLoading={loading && !value}
        columns={columns}
        data={value ?? []}
      />
      {deleting && (
        <DeleteDialog
          instance={deleting}
          onCancel={() => setDeleting(undefined)}
          onConfirm={deleteData => {
            setDeleting(undefined);
            act(() => api.deleteInstance(deleting.id, { deleteData }))();
          }}
        />
      )}
      {switching && (
        <SwitchVersionDialog
          instance={switching}
          onCancel={() => setSwitching(undefined)}
          onConfirm={version => {
            setSwitching(undefined);
            act(() => api.switchVersion(switching.id, version))();
          }}
        />
      )}
    </>
  );
};
