import { fireEvent, screen, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import {
  fakeGatewayApi,
  sampleTemplate,
} from '../../__testUtils__/fakeGatewayApi';
import { LaunchView } from './LaunchView';

describe('LaunchView', () => {
  it('offers the newest active version and its pools with free capacity and price', async () => {
    renderInTestApp(<LaunchView />, {
      apis: [[aigcGatewayApiRef, fakeGatewayApi()]],
    });
    expect(await screen.findByText('Sample Engine')).toBeInTheDocument();
    expect(screen.getByText('Draws images from a prompt')).toBeInTheDocument();
    expect(screen.getByTestId('template-icon')).toBeInTheDocument();
    expect(screen.getByLabelText('Version')).toHaveTextContent(
      '2.0.0 (active)',
    );
    fireEvent.mouseDown(screen.getByLabelText('GPU pool'));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'This machine — 3 of 4 free, 0.20 USD/h',
      'A100 80G — full, launches queue, 3.20 USD/h',
    ]);
  });

  it('shows what the user has spent this month and the budgets that apply', async () => {
    const identity = mockApis.identity({
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: ['user:default/alice', 'group:default/creators-a'],
    });
    const api = fakeGatewayApi();
    renderInTestApp(<LaunchView />, {
      apis: [[aigcGatewayApiRef, api], identity],
    });
    expect(await screen.findByTestId('month-to-date')).toHaveTextContent(
      'You have spent 12.00 USD this month. Budget of group:default/creators-a: 12.00 USD of 10.00 USD (120%, new launches are refused).',
    );
    expect(api.calls).toContain(
      'costSummary {"entityRef":"user:default/alice","groupBy":"template"}',
    );
  });

  it('warns about a deprecated version and suggests the newest', async () => {
    renderInTestApp(<LaunchView />, {
      apis: [[aigcGatewayApiRef, fakeGatewayApi()]],
    });
    fireEvent.mouseDown(await screen.findByLabelText('Version'));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByText('1.0.0 (deprecated)'),
    );
    expect(
      await screen.findByText(/Version 1.0.0 is deprecated/),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Use version 2.0.0 instead' }),
    );
    expect(screen.getByLabelText('Version')).toHaveTextContent(
      '2.0.0 (active)',
    );
    expect(
      screen.queryByText(/Version 1.0.0 is deprecated/),
    ).not.toBeInTheDocument();
  });

  it('launches and follows the progress until the engine can be opened', async () => {
    const api = fakeGatewayApi();
    renderInTestApp(<LaunchView />, { apis: [[aigcGatewayApiRef, api]] });
    fireEvent.change(await screen.findByLabelText('Name (optional)'), {
      target: { value: 'portraits' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Launch' }));
    expect(await screen.findByText('running: answering')).toBeInTheDocument();
    expect(api.calls.filter(c => c.startsWith('launch'))).toEqual([
      'launch {"templateId":"sample-engine","version":"2.0.0","poolId":"local","name":"portraits"}',
    ]);
    expect(screen.getByRole('button', { name: 'Open' })).toBeInTheDocument();
  });

  it('shows why a launch was refused', async () => {
    const api = fakeGatewayApi({
      launch: async () => {
        throw new Error(
          'version "2.0.0" of "sample-engine" may not run in pool "a100"',
        );
      },
    });
    renderInTestApp(<LaunchView />, { apis: [[aigcGatewayApiRef, api]] });
    fireEvent.click(await screen.findByRole('button', { name: 'Launch' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'may not run in pool "a100"',
    );
  });

  it('groups the engines by what they make: images, then text, then the rest', async () => {
    const api = fakeGatewayApi();
    const template = (id: string, title: string, kind: string) => ({
      ...sampleTemplate,
      id,
      title,
      kind: kind as typeof sampleTemplate.kind,
    });
    api.listTemplates = async () => [
      template('chat', 'Ollama with Open WebUI', 'ollama'),
      template('custom', 'Custom engine', 'generic-http'),
      sampleTemplate,
      template('comfy', 'ComfyUI', 'comfyui'),
    ];
    renderInTestApp(<LaunchView />, { apis: [[aigcGatewayApiRef, api]] });
    await screen.findByText('ComfyUI');
    const order = screen
      .getAllByText(
        /^(Images|Text|Other engines|Sample Engine|ComfyUI|Ollama with Open WebUI|Custom engine)$/,
      )
      .map(e => e.textContent);
    expect(order).toEqual([
      'Images',
      'Sample Engine',
      'ComfyUI',
      'Text',
      'Ollama with Open WebUI',
      'Other engines',
      'Custom engine',
    ]);
  });
});
