import { CostDailyResponse } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { money } from './format';

/** Cost per day as bars, in the gateway's cost time zone. */
export const CostChart = (props: { daily: CostDailyResponse }) => {
  const { days, currency } = props.daily;
  return (
    <div data-testid="cost-chart" style={{ width: '100%', height: 240 }}>
      <ResponsiveContainer>
        <BarChart
          data={days.map(d => ({
            day: d.day.slice(5),
            cost: d.cost,
            gpuHours: d.gpuHours,
          }))}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis />
          <Tooltip formatter={(value: number) => money(value, currency)} />
          <Bar
            dataKey="cost"
            name="Cost"
            fill="#1f77b4"
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
};
