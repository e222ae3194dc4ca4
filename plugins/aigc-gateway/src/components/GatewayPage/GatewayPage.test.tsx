import { fireEvent, screen } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { fakeGatewayApi } from '../../__testUtils__/fakeGatewayApi';
import { GatewayPage } from './GatewayPage';

const alice = mockApis.identity({
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: ['user:default/alice', 'group:default/creators-a'],
  displayName: 'Alice Creator',
});

describe('GatewayPage', () => {
  it('shows who is signed in and the templates the backend reports', async () => {
    renderInTestApp(<GatewayPage />, {
      apis: [alice, [aigcGatewayApiRef, fakeGatewayApi()]],
    });
    expect(await screen.findByTestId('signed-in-name')).toHaveTextContent(
      'Alice Creator',
    );
    expect(screen.getByTestId('signed-in-ref')).toHaveTextContent(
      'user:default/alice',
    );
    expect(
      screen.getByText('Groups: group:default/creators-a'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Sample Engine')).toBeInTheDocument();
    expect(screen.getByText('Draws images from a prompt')).toBeInTheDocument();
  });

  it('says what to do when no template is configured', async () => {
    renderInTestApp(<GatewayPage />, {
      apis: [
        alice,
        [aigcGatewayApiRef, fakeGatewayApi({ listTemplates: async () => [] })],
      ],
    });
    expect(await screen.findByText('No engine templates')).toBeInTheDocument();
    expect(
      screen.getByText(/aigcGateway.templates in app-config.yaml/),
    ).toBeInTheDocument();
  });

  it('shows the backend error when the templates cannot be read', async () => {
    const failing = fakeGatewayApi({
      listTemplates: async () => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'AuthenticationError',
                message: 'Missing credentials',
              },
              response: { statusCode: 401 },
            }),
            {
              status: 401,
              statusText: 'Unauthorized',
              headers: { 'content-type': 'application/json' },
            },
          ),
        );
      },
    });
    renderInTestApp(<GatewayPage />, {
      apis: [alice, [aigcGatewayApiRef, failing]],
    });
    expect(await screen.findByText(/Missing credentials/)).toBeInTheDocument();
  });

  it('keeps an instance alive from an idle warning once the owner confirms, not on opening the link', async () => {
    const api = fakeGatewayApi();
    renderInTestApp(<GatewayPage />, {
      apis: [alice, [aigcGatewayApiRef, api]],
      initialRouteEntries: ['/?keep=i7'],
    });
    const keep = await screen.findByRole('button', {
      name: 'Keep it running',
    });
    expect(api.calls).not.toContain('keepalive i7');
    fireEvent.click(keep);
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Kept: the engine stays up, and its idle time starts again.',
    );
    expect(api.calls).toContain('keepalive i7');
  });

  it('switches to the instances tab', async () => {
    renderInTestApp(<GatewayPage />, {
      apis: [alice, [aigcGatewayApiRef, fakeGatewayApi()]],
    });
    fireEvent.click(await screen.findByRole('tab', { name: 'Instances' }));
    expect(await screen.findByText('No instances yet')).toBeInTheDocument();
  });
});
