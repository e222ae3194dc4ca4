import { useApi } from '@backstage/core-plugin-api';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { BudgetStatus } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import LinearProgress from '@material-ui/core/LinearProgress';
import useAsync from 'react-use/esm/useAsync';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { money } from './format';

/** Monthly budgets that apply to the caller (admins: all), with this month's spend. */
export const BudgetsTable = () => {
  const api = useApi(aigcGatewayApiRef);
  const { value, error, loading } = useAsync(() => api.costBudgets(), [api]);
  if (error) return <ResponseErrorPanel error={error} />;
  const currency = value?.currency ?? '';
  const columns: TableColumn<BudgetStatus>[] = [
    { title: 'Budget of', field: 'entityRef' },
    { title: 'Month', field: 'month' },
    {
      title: 'Spent',
      render: b =>
        `${money(b.spent, currency)} of ${money(b.monthly, currency)}`,
    },
    {
      title: 'Used',
      render: b => (
        <div style={{ minWidth: 120 }}>
          <LinearProgress
            variant="determinate"
            value={Math.min(100, b.percent)}
            color={b.percent >= 100 ? 'secondary' : 'primary'}
          />
          {b.percent.toFixed(0)}%
        </div>
      ),
    },
    {
      title: 'When used up',
      render: b => (b.enforce ? 'new launches are refused' : 'alert only'),
    },
  ];
  return (
    <Table
      title="Budgets"
      isLoading={loading}
      options={{ search: false, paging: false, padding: 'dense' }}
      columns={columns}
      data={value?.items ?? []}
      emptyContent={
        <div style={{ padding: 16 }}>No budget applies to you.</div>
      }
    />
  );
};
