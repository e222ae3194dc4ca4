import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { money } from '../Cost/format';

/** "You have spent … this month", with the budgets that apply, above the launch cards. */
export const MonthToDateSpend = () => {
  const api = useApi(aigcGatewayApiRef);
  const identityApi = useApi(identityApiRef);
  const { value } = useAsync(async () => {
    const { userEntityRef, ownershipEntityRefs } =
      await identityApi.getBackstageIdentity();
    const [summary, budgets] = await Promise.all([
      api.costSummary({ entityRef: userEntityRef, groupBy: 'template' }),
      api.costBudgets(),
    ]);
    const mine = budgets.items.filter(
      b =>
        b.entityRef === userEntityRef ||
        ownershipEntityRefs.includes(b.entityRef),
    );
    return {
      spent: summary.total.cost,
      currency: summary.currency,
      budgets: mine,
    };
  }, [api, identityApi]);
  // Cost is a hint here; the launch cards work without it.
  if (!value) return null;
  return (
    <Typography variant="body2" data-testid="month-to-date">
      You have spent {money(value.spent, value.currency)} this month.
      {value.budgets.map(b => (
        <span key={b.entityRef}>
          {' '}
          Budget of {b.entityRef}: {money(b.spent, value.currency)} of{' '}
          {money(b.monthly, value.currency)} ({b.percent.toFixed(0)}%
          {b.enforce && b.percent >= 100 ? ', new launches are refused' : ''}).
        </span>
      ))}
    </Typography>
  );
};
