import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { fakeGatewayApi } from '../../__testUtils__/fakeGatewayApi';
import { CostView } from './CostView';

describe('CostView', () => {
  it('shows totals, the daily chart, a breakdown, top instances and budgets', async () => {
    const api = fakeGatewayApi();
    renderInTestApp(<CostView />, { apis: [[aigcGatewayApiRef, api]] });
    expect(await screen.findByTestId('cost-total')).toHaveTextContent(
      '12.00 USD',
    );
    expect(screen.getByTestId('cost-gpu-hours')).toHaveTextContent('6.0 h');
    expect(screen.getByTestId('cost-chart')).toBeInTheDocument();
    expect(screen.getByText('By user')).toBeInTheDocument();
    expect(screen.getByText('user:default/alice')).toBeInTheDocument();
    expect(screen.getByText('Top instances')).toBeInTheDocument();
    expect(
      await screen.findByText('group:default/creators-a'),
    ).toBeInTheDocument();
    expect(screen.getByText('12.00 USD of 10.00 USD')).toBeInTheDocument();
    expect(screen.getByText('new launches are refused')).toBeInTheDocument();
  });

  it('filters by an entity and breaks down by the chosen dimension', async () => {
    const api = fakeGatewayApi();
    renderInTestApp(<CostView />, { apis: [[aigcGatewayApiRef, api]] });
    await screen.findByTestId('cost-total');
    fireEvent.mouseDown(screen.getByLabelText('Break down by'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('template'));
    fireEvent.change(screen.getByLabelText('Entity (optional)'), {
      target: { value: 'group:default/creators-a' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(
      await screen.findByText('Cost of group:default/creators-a'),
    ).toBeInTheDocument();
    expect(await screen.findByText('By engine')).toBeInTheDocument();
    const last = api.calls
      .filter(c => c.startsWith('costSummary'))
      .slice(-1)[0];
    expect(JSON.parse(last.slice('costSummary '.length))).toEqual(
      expect.objectContaining({
        entityRef: 'group:default/creators-a',
        groupBy: 'template',
      }),
    );
  });
});
