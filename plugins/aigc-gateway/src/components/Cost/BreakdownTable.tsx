import { Table, TableColumn } from '@backstage/core-components';
import {
  CostDimension,
  CostSummaryResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { hours, money } from './format';

const titles: Record<CostDimension, string> = {
  user: 'User',
  group: 'Group',
  template: 'Engine',
  version: 'Engine version',
  pool: 'GPU pool',
  instance: 'Instance',
};

type Row = CostSummaryResponse['items'][number];

/** One breakdown of a period's cost, most expensive first. */
export const BreakdownTable = (props: {
  summary: CostSummaryResponse;
  limit?: number;
  title?: string;
}) => {
  const { summary } = props;
  const columns: TableColumn<Row>[] = [
    { title: titles[summary.groupBy], field: 'key' },
    {
      title: 'Cost',
      render: r => money(r.cost, summary.currency),
      customSort: (a, b) => a.cost - b.cost,
    },
    { title: 'Engine hours', render: r => hours(r.hours) },
    { title: 'GPU hours', render: r => hours(r.gpuHours) },
  ];
  const data = props.limit
    ? summary.items.slice(0, props.limit)
    : summary.items;
  return (
    <Table
      title={
        props.title ??
        `By ${titles[summary.groupBy].toLocaleLowerCase('en-US')}`
      }
      options={{
        search: false,
        paging: data.length > 10,
        pageSize: 10,
        padding: 'dense',
      }}
      columns={columns}
      data={data}
      emptyContent={<div style={{ padding: 16 }}>No usage in this period.</div>}
    />
  );
};
