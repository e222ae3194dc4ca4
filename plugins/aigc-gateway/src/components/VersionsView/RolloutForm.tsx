import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, Table } from '@backstage/core-components';
import {
  RolloutPlanItemView,
  RolloutPlanView,
  RolloutRequest,
  VersionListResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';

type Form = Required<Omit<RolloutRequest, 'dryRun'>>;
type Template = VersionListResponse['items'][number];

/** Proposes the newest launchable version as the target, and an older version with instances as the source. */
function defaultVersions(template: Template | undefined) {
  const versions = template?.versions ?? [];
  const to = versions.find(v => v.status !== 'retired')?.version ?? '';
  const others = versions.filter(v => v.version !== to);
  const from =
    (others.find(v => v.instances.total > 0) ?? others[0])?.version ?? '';
  return { from, to };
}

const migrationsText = (item: RolloutPlanItemView) =>
  item.migrations.length === 0
    ? 'none (same data layout)'
    : [item.dataLayout, ...item.migrations.map(m => m.toLayout)].join(' → ');

/**
 * Starts a rollout: the admin picks the template and the two versions,
 * looks at the dry run (every instance, its migrations, when it switches),
 * then starts it. Changing the form asks for a new dry run.
 */
export const RolloutForm = (props: {
  templates: VersionListResponse['items'];
  onStarted: () => void;
}) => {
  const api = useApi(aigcGatewayApiRef);
  const first = props.templates[0];
  const [form, setForm] = useState<Form>({
    templateId: first?.templateId ?? '',
    ...defaultVersions(first),
    canaryPercent: 0,
    concurrency: 2,
    force: false,
  });
  const [plan, setPlan] = useState<RolloutPlanView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const versions =
    props.templates.find(t => t.templateId === form.templateId)?.versions ?? [];

  const change = (patch: Partial<Form>) => {
    setForm(current => ({ ...current, ...patch }));
    setPlan(undefined);
    setError(undefined);
  };
  const run = (action: () => Promise<void>) => async () => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const dryRun = run(async () => setPlan(await api.planRollout(form)));
  const start = run(async () => {
    await api.startRollout(form);
    setPlan(undefined);
    props.onStarted();
  });

  return (
    <InfoCard title="Roll out a version">
      <Grid container spacing={2} alignItems="center">
        <Grid item>
          <TextField
            select
            id="rollout-template"
            label="Engine"
            value={form.templateId}
            onChange={e => {
              const template = props.templates.find(
                t => t.templateId === e.target.value,
              );
              change({
                templateId: e.target.value,
                ...defaultVersions(template),
              });
            }}
            style={{ minWidth: 180 }}
          >
            {props.templates.map(t => (
              <MenuItem key={t.templateId} value={t.templateId}>
                {t.title}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item>
          <TextField
            select
            id="rollout-from"
            label="From version"
            value={form.from}
            onChange={e => change({ from: e.target.value })}
            style={{ minWidth: 140 }}
          >
            {versions.map(v => (
              <MenuItem key={v.version} value={v.version}>
                {v.version} ({v.instances.total} instance
                {v.instances.total === 1 ? '' : 's'})
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item>
          <TextField
            select
            id="rollout-to"
            label="To version"
            value={form.to}
            onChange={e => change({ to: e.target.value })}
            style={{ minWidth: 140 }}
          >
            {versions
              .filter(v => v.status !== 'retired')
              .map(v => (
                <MenuItem key={v.version} value={v.version}>
                  {v.version} ({v.status})
                </MenuItem>
              ))}
          </TextField>
        </Grid>
        <Grid item>
          <TextField
            type="number"
            id="rollout-canary"
            label="Canary %"
            value={form.canaryPercent}
            inputProps={{ min: 0, max: 100 }}
            onChange={e => change({ canaryPercent: Number(e.target.value) })}
            style={{ width: 100 }}
          />
        </Grid>
        <Grid item>
          <TextField
            type="number"
            id="rollout-concurrency"
            label="At once"
            value={form.concurrency}
            inputProps={{ min: 1, max: 20 }}
            onChange={e => change({ concurrency: Number(e.target.value) })}
            style={{ width: 100 }}
          />
        </Grid>
        <Grid item>
          <FormControlLabel
            control={
              <Checkbox
                checked={form.force}
                onChange={e => change({ force: e.target.checked })}
              />
            }
            label="Release running engines now"
          />
        </Grid>
        <Grid item>
          <Button variant="outlined" disabled={busy} onClick={dryRun}>
            Dry run
          </Button>
        </Grid>
        <Grid item>
          <Button
            variant="contained"
            color="primary"
            disabled={busy || !plan || plan.items.length === 0}
            onClick={start}
          >
            Start rollout
          </Button>
        </Grid>
      </Grid>
      {error && (
        <Typography color="error" role="alert" style={{ marginTop: 16 }}>
          {error}
        </Typography>
      )}
      {plan && (
        <Table<RolloutPlanItemView>
          title={`Dry run: ${plan.items.length} instance${
            plan.items.length === 1 ? '' : 's'
          } from ${plan.from} to ${plan.to}`}
          options={{ paging: false, search: false, padding: 'dense' }}
          data={plan.items}
          columns={[
            { title: 'Instance', render: i => i.name || i.instanceId },
            { title: 'Owner', field: 'ownerRef' },
            { title: 'State', field: 'state' },
            { title: 'Data migrations', render: migrationsText },
            { title: 'Canary', render: i => (i.canary ? 'yes' : '') },
            { title: 'Switches', field: 'when' },
          ]}
        />
      )}
    </InfoCard>
  );
};
