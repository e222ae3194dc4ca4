import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { CostDimension } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { BreakdownTable } from './BreakdownTable';
import { CostChart } from './CostChart';
import { CostTotals } from './CostTotals';
import { PeriodPreset, periodOf, periodPresets } from './ranges';

/**
 * A period's cost, of everything the caller may see or of one catalog
 * entity: totals against the period before, a daily chart, breakdowns and
 * the top instances.
 */
export const CostReport = (props: {
  entityRef?: string;
  breakdowns: CostDimension[];
  title?: string;
}) => {
  const api = useApi(aigcGatewayApiRef);
  const [preset, setPreset] = useState<PeriodPreset>('this-month');
  const { entityRef, breakdowns } = props;
  const { value, loading, error } = useAsync(async () => {
    const period = periodOf(preset);
    const range = { from: period.from, to: period.to, entityRef };
    const [daily, previous, top, ...summaries] = await Promise.all([
      api.costDaily(range),
      api.costSummary({ ...period.previous, entityRef, groupBy: 'template' }),
      api.costSummary({ ...range, groupBy: 'instance' }),
      ...breakdowns.map(groupBy => api.costSummary({ ...range, groupBy })),
    ]);
    return { daily, previous, top, summaries };
  }, [api, preset, entityRef, breakdowns.join()]);

  const picker = (
    <TextField
      select
      id="cost-period"
      size="small"
      label="Period"
      value={preset}
      onChange={e => setPreset(e.target.value as PeriodPreset)}
    >
      {periodPresets.map(p => (
        <MenuItem key={p.value} value={p.value}>
          {p.label}
        </MenuItem>
      ))}
    </TextField>
  );

  return (
    <InfoCard title={props.title ?? 'AIGC cost'} action={picker}>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <CostTotals
              total={value.top.total}
              previous={value.previous.total}
              currency={value.top.currency}
            />
            {value.top.scope === 'own' && (
              <Typography variant="caption" color="textSecondary">
                Only your own usage is shown.
              </Typography>
            )}
          </Grid>
          <Grid item xs={12}>
            <CostChart daily={value.daily} />
          </Grid>
          {value.summaries.map(summary => (
            <Grid item xs={12} md={6} key={summary.groupBy}>
              <BreakdownTable summary={summary} />
            </Grid>
          ))}
          {!breakdowns.includes('instance') && (
            <Grid item xs={12} md={6}>
              <BreakdownTable
                summary={value.top}
                limit={5}
                title="Top instances"
              />
            </Grid>
          )}
        </Grid>
      )}
    </InfoCard>
  );
};
