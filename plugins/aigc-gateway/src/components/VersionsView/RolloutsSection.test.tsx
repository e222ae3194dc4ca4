import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { fakeGatewayApi } from '../../__testUtils__/fakeGatewayApi';
import { RolloutsSection } from './RolloutsSection';

describe('RolloutsSection', () => {
  const templates = async (api: ReturnType<typeof fakeGatewayApi>) =>
    api.listVersions();

  it('runs a dry run, starts the rollout from it, and steers it', async () => {
    const api = fakeGatewayApi();
    renderInTestApp(
      <RolloutsSection templates={await templates(api)} onChanged={() => {}} />,
      { apis: [[aigcGatewayApiRef, api]] },
    );
    expect(await screen.findByText('No rollouts yet.')).toBeInTheDocument();
    const start = screen.getByRole('button', { name: 'Start rollout' });
    expect(start).toBeDisabled();

    fireEvent.change(screen.getByLabelText('Canary %'), {
      target: { value: '50' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(
      await screen.findByText('Dry run: 2 instances from 1.0.0 to 2.0.0'),
    ).toBeInTheDocument();
    expect(api.calls).toContain(
      'plan {"templateId":"sample-engine","from":"1.0.0","to":"2.0.0","canaryPercent":50,"concurrency":2,"force":false}',
    );
    const planRows = screen.getAllByRole('row').map(r => r.textContent);
    expect(planRows).toContainEqual(
      expect.stringMatching(
        /a1.*user:default\/alice.*released.*1 → 2.*yes.*now/,
      ),
    );
    expect(planRows).toContainEqual(
      expect.stringMatching(
        /b1.*user:default\/bob.*running.*1 → 2.*at its next release/,
      ),
    );

    fireEvent.click(start);
    const rollout = await screen.findByTestId('rollout-r1');
    expect(within(rollout).getByTestId('rollout-state')).toHaveTextContent(
      'running',
    );
    expect(rollout).toHaveTextContent('1 of 2 instances finished');
    expect(rollout).toHaveTextContent('running; switches at its next release');
    // Starting asks for a new dry run before the next one.
    expect(
      screen.getByRole('button', { name: 'Start rollout' }),
    ).toBeDisabled();

    fireEvent.click(within(rollout).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(api.calls).toContain('pause r1'));
    expect(
      await within(rollout).findByRole('button', { name: 'Resume' }),
    ).toBeInTheDocument();
  });

  it('says what the gateway refused', async () => {
    const api = fakeGatewayApi({
      planRollout: async () => {
        throw new Error(
          'to: version 2.0.0 of "sample-engine" is retired; roll out to an active version',
        );
      },
    });
    renderInTestApp(
      <RolloutsSection templates={await templates(api)} onChanged={() => {}} />,
      { apis: [[aigcGatewayApiRef, api]] },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Dry run' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'is retired; roll out to an active version',
    );
  });

  it('tells people without the permission that rollouts are for admins', async () => {
    const forbidden = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'no' },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    const api = fakeGatewayApi({
      listRollouts: async () => {
        throw forbidden;
      },
    });
    renderInTestApp(
      <RolloutsSection templates={await templates(api)} onChanged={() => {}} />,
      { apis: [[aigcGatewayApiRef, api]] },
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Rollouts are for holders of the aigc-gateway.version.manage permission.',
    );
  });
});
