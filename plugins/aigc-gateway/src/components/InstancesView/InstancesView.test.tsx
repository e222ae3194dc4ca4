import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { fakeGatewayApi } from '../../__testUtils__/fakeGatewayApi';
import { InstancesView } from './InstancesView';

async function withOneInstance() {
  const api = fakeGatewayApi();
  await api.launch({ templateId: 'sample-engine' });
  api.calls.length = 0;
  renderInTestApp(<InstancesView />, { apis: [[aigcGatewayApiRef, api]] });
  await screen.findByTestId('state-i1');
  return api;
}

describe('InstancesView', () => {
  it('releases and launches again', async () => {
    const api = await withOneInstance();
    expect(
      screen.getByRole('columnheader', { name: 'Jobs done' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('jobs-i1')).toHaveTextContent('0');
    fireEvent.click(screen.getByRole('button', { name: 'Release' }));
    await waitFor(() =>
      expect(screen.getByTestId('state-i1')).toHaveTextContent('released'),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Launch again' }));
    await waitFor(() =>
      expect(screen.getByTestId('state-i1')).toHaveTextContent('running'),
    );
    expect(api.calls).toEqual(['release i1', 'relaunch i1']);
  });

  it('deletes without the data unless the box is ticked', async () => {
    const api = await withOneInstance();
    fireEvent.click(screen.getByRole('button', { name: 'Release' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    fireEvent.click(
      screen.getByLabelText(
        'Also delete its data (models and outputs) for good',
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() =>
      expect(api.calls).toContain('delete i1 deleteData=true'),
    );
  });

  it('switches a released instance to another version it can run', async () => {
    const api = await withOneInstance();
    fireEvent.click(screen.getByRole('button', { name: 'Release' }));
    fireEvent.click(
      await screen.findByRole('button', { name: 'Switch version' }),
    );
    fireEvent.mouseDown(await screen.findByLabelText('New version'));
    // The instance is on 2.0.0, so 1.0.0 is the one other version offered.
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(['1.0.0 (deprecated)']);
    fireEvent.click(options[0]);
    fireEvent.click(screen.getByRole('button', { name: 'Switch' }));
    await waitFor(() =>
      expect(screen.getByTestId('state-i1')).toHaveTextContent('migrating'),
    );
    expect(api.calls).toEqual(['release i1', 'switch i1 1.0.0']);
  });

  it('sets the gateway cookie, then opens the engine without an opener or referrer', async () => {
    const api = await withOneInstance();
    const open = jest.spyOn(window, 'open').mockReturnValue(null);
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(open).toHaveBeenCalled());
    expect(api.calls).toEqual(['cookie']);
    expect(open).toHaveBeenCalledWith(
      `http://backend/api/aigc-gateway/ingress/sign-in?rd=${encodeURIComponent(
        'http://i1.localhost:7008/',
      )}`,
      '_blank',
      'noopener,noreferrer',
    );
  });
});
