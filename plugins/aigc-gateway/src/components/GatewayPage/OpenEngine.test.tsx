import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { fakeGatewayApi } from '../../__testUtils__/fakeGatewayApi';
import { OpenEngine } from './OpenEngine';

describe('OpenEngine', () => {
  it("opens an engine's address that came without the portal's sign-in: the cookie first, then the gateway's sign-in", async () => {
    const api = fakeGatewayApi();
    const leave = jest.fn();
    renderInTestApp(<OpenEngine leave={leave} />, {
      apis: [[aigcGatewayApiRef, api]],
      initialRouteEntries: [
        `/?open=${encodeURIComponent('http://i9.localhost:7008/outputs')}`,
      ],
    });
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Opening your engine',
    );
    await waitFor(() =>
      expect(leave).toHaveBeenCalledWith(
        'http://backend/api/aigc-gateway/ingress/sign-in?rd=http%3A%2F%2Fi9.localhost%3A7008%2Foutputs&portal=1',
      ),
    );
    expect(api.calls).toContain('cookie');
  });

  it('goes nowhere with something that is not an address', async () => {
    const leave = jest.fn();
    renderInTestApp(<OpenEngine leave={leave} />, {
      apis: [[aigcGatewayApiRef, fakeGatewayApi()]],
      initialRouteEntries: ['/?open=javascript%3Aalert(1)'],
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The engine could not be opened',
    );
    expect(leave).not.toHaveBeenCalled();
  });
});
