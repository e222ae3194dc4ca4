import { CostFigures } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { change, hours, money } from './format';

const Figure = (props: {
  label: string;
  value: string;
  note?: string;
  testId: string;
}) => (
  <Grid item xs={12} sm={4}>
    <Typography variant="overline">{props.label}</Typography>
    <Typography variant="h5" data-testid={props.testId}>
      {props.value}
    </Typography>
    {props.note && <Typography variant="caption">{props.note}</Typography>}
  </Grid>
);

/** Cost, engine hours and GPU hours of a period, with the change from the period before. */
export const CostTotals = (props: {
  total: CostFigures;
  previous: CostFigures;
  currency: string;
}) => {
  const { total, previous, currency } = props;
  const delta = change(total.cost, previous.cost);
  const note =
    delta === undefined
      ? `nothing in the period before`
      : `${delta >= 0 ? '+' : ''}${delta.toFixed(
          0,
        )}% on the period before (${money(previous.cost, currency)})`;
  return (
    <Grid container spacing={2}>
      <Figure
        label="Cost"
        value={money(total.cost, currency)}
        note={note}
        testId="cost-total"
      />
      <Figure
        label="Engine hours"
        value={hours(total.hours)}
        testId="cost-hours"
      />
      <Figure
        label="GPU hours"
        value={hours(total.gpuHours)}
        testId="cost-gpu-hours"
      />
    </Grid>
  );
};
