import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  CostDimension,
  costDimensions,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { BudgetsTable } from './BudgetsTable';
import { CostReport } from './CostReport';
import { periodOf } from './ranges';

/**
 * The Cost tab of the gateway page: the whole company's cost for admins,
 * filtered by any entity and broken down by any dimension; everyone else
 * sees their own (the API decides).
 */
export const CostView = () => {
  const api = useApi(aigcGatewayApiRef);
  const [groupBy, setGroupBy] = useState<CostDimension>('user');
  const [entityRef, setEntityRef] = useState('');
  const [applied, setApplied] = useState<string>();
  const [exportError, setExportError] = useState<string>();

  const download = async () => {
    setExportError(undefined);
    try {
      const period = periodOf('this-month');
      const blob = await api.costExport({
        from: period.from,
        to: period.to,
        entityRef: applied,
      });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `aigc-cost-${period.from.slice(0, 10)}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (e) {
      setExportError((e as Error).message);
    }
  };

  return (
    <Grid container spacing={2} style={{ marginTop: 8 }}>
      <Grid
        item
        xs={12}
        style={{
          display: 'flex',
          gap: 16,
          alignItems: 'center',
          flexWrap: 'wrap',
        }}
      >
        <TextField
          select
          id="cost-group-by"
          size="small"
          label="Break down by"
          style={{ minWidth: 160 }}
          value={groupBy}
          onChange={e => setGroupBy(e.target.value as CostDimension)}
        >
          {costDimensions.map(d => (
            <MenuItem key={d} value={d}>
              {d}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          id="cost-entity"
          size="small"
          label="Entity (optional)"
          placeholder="group:default/creators-a"
          value={entityRef}
          onChange={e => setEntityRef(e.target.value)}
          onKeyDown={e =>
            e.key === 'Enter' && setApplied(entityRef.trim() || undefined)
          }
        />
        <Button
          variant="outlined"
          onClick={() => setApplied(entityRef.trim() || undefined)}
        >
          Apply
        </Button>
        <Button variant="outlined" onClick={download}>
          Export this month as CSV
        </Button>
        {exportError && <Typography color="error">{exportError}</Typography>}
      </Grid>
      <Grid item xs={12}>
        <CostReport
          entityRef={applied}
          breakdowns={[groupBy]}
          title={applied ? `Cost of ${applied}` : 'Cost'}
        />
      </Grid>
      <Grid item xs={12}>
        <BudgetsTable />
      </Grid>
    </Grid>
  );
};
