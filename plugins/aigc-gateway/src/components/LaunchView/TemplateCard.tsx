import { useCallback, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import {
  EngineTemplateView,
  InstanceView,
  PoolView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { LaunchProgress } from './LaunchProgress';
import { OpenButton } from '../OpenButton';
import { poolLabel, preferredVersion, versionLabel } from '../labels';
import { TemplateIcon } from '../TemplateIcon';

/** One engine template: pick version, pool and name, launch, follow progress. */
export const TemplateCard = (props: {
  template: EngineTemplateView;
  pools: PoolView[];
  onLaunched: () => void;
}) => {
  const { template, pools, onLaunched } = props;
  const api = useApi(aigcGatewayApiRef);
  const [versionId, setVersionId] = useState(preferredVersion(template));
  const version = template.versions.find(v => v.version === versionId)!;
  const [poolId, setPoolId] = useState(version.defaultPool);
  const [name, setName] = useState('');
  const [instance, setInstance] = useState<InstanceView>();
  const [state, setState] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const allowedPools = pools.filter(p => version.pools.includes(p.id));
  const newest = preferredVersion(template);

  const chooseVersion = (id: string) => {
    const next = template.versions.find(v => v.version === id)!;
    setVersionId(next.version);
    setPoolId(next.defaultPool);
  };

  const launch = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const launched = await api.launch({
        templateId: template.id,
        version: versionId,
        poolId,
        name: name || undefined,
      });
      setInstance(launched);
      setState(launched.state);
      onLaunched();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const onState = useCallback((s: string) => setState(s), []);

  return (
    <div data-testid={`launch-card-${template.id}`}>
      <InfoCard
        title={
          <Box display="flex" alignItems="center" gridGap={12}>
            <TemplateIcon icon={template.icon} />
            <span>{template.title}</span>
          </Box>
        }
        subheader={`${template.kind} · owned by ${template.owner}`}
      >
        <Typography variant="body2" paragraph>
          {template.description}
        </Typography>
        {version.status === 'deprecated' && (
          <WarningPanel
            defaultExpanded
            title={`Version ${version.version} is deprecated`}
            message={
              newest !== version.version && (
                <Button
                  variant="outlined"
                  size="small"
                  onClick={() => chooseVersion(newest)}
                >
                  Use version {newest} instead
                </Button>
              )
            }
          />
        )}
        <Grid container spacing={2} alignItems="flex-end">
          <Grid item xs={12} sm={3}>
            <TextField
              select
              fullWidth
              id={`${template.id}-version`}
              label="Version"
              value={versionId}
              onChange={e => {
                const next = template.versions.find(
                  v => v.version === e.target.value,
                )!;
                setVersionId(next.version);
                setPoolId(next.defaultPool);
              }}
            >
              {template.versions
                .filter(v => v.status !== 'retired')
                .map(v => (
                  <MenuItem key={v.version} value={v.version}>
                    {versionLabel(v)}
                  </MenuItem>
                ))}
            </TextField>
          </Grid>
          <Grid item xs={12} sm={5}>
            <TextField
              select
              fullWidth
              id={`${template.id}-pool`}
              label="GPU pool"
              value={poolId}
              onChange={e => setPoolId(e.target.value)}
            >
              {allowedPools.map(p => (
                <MenuItem key={p.id} value={p.id}>
                  {poolLabel(p)}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12} sm={2}>
            <TextField
              fullWidth
              id={`${template.id}-name`}
              label="Name (optional)"
              value={name}
              onChange={e => setName(e.target.value)}
            />
          </Grid>
          <Grid item xs={12} sm={2}>
            <Button
              variant="contained"
              color="primary"
              onClick={launch}
              disabled={busy}
            >
              Launch
            </Button>
          </Grid>
        </Grid>
        {error && (
          <Typography color="error" role="alert">
            {error}
          </Typography>
        )}
        {instance && (
          <>
            <Typography variant="subtitle2" data-testid="launch-state">
              {state === 'queued' && instance.queuePosition
                ? `queued, position ${instance.queuePosition}`
                : state}
            </Typography>
            {state === 'running' && <OpenButton url={instance.url} />}
            <LaunchProgress instanceId={instance.id} onState={onState} />
          </>
        )}
      </InfoCard>
    </div>
  );
};
