import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Table } from '@backstage/core-components';
import {
  RolloutAction,
  RolloutState,
  RolloutTargetView,
  RolloutView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';

/** The actions offered in each state, as the backend allows them. */
const actionsIn: Record<RolloutState, RolloutAction[]> = {
  running: ['pause', 'abort', 'rollback'],
  paused: ['resume', 'abort', 'rollback'],
  aborting: ['rollback'],
  aborted: ['rollback'],
  completed: ['rollback'],
  'rolling-back': [],
  'rolled-back': [],
};
const actionLabel: Record<RolloutAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  abort: 'Abort',
  rollback: 'Roll back',
};

const finished = (r: RolloutView) =>
  r.counts.done + r.counts.failed + r.counts.skipped;

/** The rollouts with their live progress and each instance's outcome; the page refreshes them. */
export const RolloutList = (props: {
  rollouts: RolloutView[];
  onChanged: () => void;
}) => {
  const api = useApi(aigcGatewayApiRef);
  const [error, setError] = useState<string>();

  const act = (id: string, action: RolloutAction) => async () => {
    setError(undefined);
    try {
      await api.rolloutAction(id, action);
    } catch (e) {
      setError((e as Error).message);
    }
    props.onChanged();
  };

  if (props.rollouts.length === 0) {
    return <Typography variant="body2">No rollouts yet.</Typography>;
  }
  return (
    <>
      {error && (
        <Typography color="error" role="alert">
          {error}
        </Typography>
      )}
      {props.rollouts.map(r => (
        <Box key={r.id} mb={3} data-testid={`rollout-${r.id}`}>
          <Table<RolloutTargetView>
            title={
              <Box>
                <Typography variant="h6">
                  {r.templateId} {r.from} → {r.to}:{' '}
                  <span data-testid="rollout-state">{r.state}</span>
                </Typography>
                <Typography variant="body2" color="textSecondary">
                  {finished(r)} of {r.targets.length} instances finished ·{' '}
                  {r.counts.done} switched · {r.counts.failed} failed ·{' '}
                  {r.counts.waiting} waiting for release · canary{' '}
                  {r.canaryPercent}% · {r.concurrency} at once
                  {r.force ? ' · forced' : ''} · started by {r.createdBy}
                </Typography>
                {r.message && (
                  <Typography variant="body2">{r.message}</Typography>
                )}
                <LinearProgress
                  variant="determinate"
                  value={
                    r.targets.length
                      ? (100 * finished(r)) / r.targets.length
                      : 100
                  }
                  aria-label={`progress of rollout ${r.id}`}
                />
                {actionsIn[r.state].map(action => (
                  <Button key={action} size="small" onClick={act(r.id, action)}>
                    {actionLabel[action]}
                  </Button>
                ))}
              </Box>
            }
            options={{ paging: false, search: false, padding: 'dense' }}
            data={r.targets}
            columns={[
              { title: 'Instance', render: t => t.name || t.instanceId },
              { title: 'Owner', field: 'ownerRef' },
              { title: 'Canary', render: t => (t.canary ? 'yes' : '') },
              { title: 'To version', field: 'goal' },
              { title: 'Outcome', field: 'status' },
              { title: 'Detail', render: t => t.detail ?? '' },
            ]}
          />
        </Box>
      ))}
    </>
  );
};
