import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { fakeGatewayApi } from '../../__testUtils__/fakeGatewayApi';
import { VersionsView } from './VersionsView';

describe('VersionsView', () => {
  it("lists each template's versions with status, use and source, and changes the status of API versions", async () => {
    const api = fakeGatewayApi();
    renderInTestApp(<VersionsView />, { apis: [[aigcGatewayApiRef, api]] });
    expect(
      await screen.findByTestId('status-sample-engine-2.0.0'),
    ).toHaveTextContent('active');
    expect(screen.getByText('1 running of 2')).toBeInTheDocument();
    expect(screen.getByText('change it in app-config')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Deprecate' }));
    await waitFor(() =>
      expect(api.calls).toContain('status sample-engine 2.0.0 deprecated'),
    );
  });

  it('shows why a change was refused', async () => {
    const api = fakeGatewayApi({
      setVersionStatus: async () => {
        throw new Error(
          'changing engine versions needs the aigc-gateway.version.manage permission',
        );
      },
    });
    renderInTestApp(<VersionsView />, { apis: [[aigcGatewayApiRef, api]] });
    fireEvent.click(await screen.findByRole('button', { name: 'Retire' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'needs the aigc-gateway.version.manage permission',
    );
  });
});
