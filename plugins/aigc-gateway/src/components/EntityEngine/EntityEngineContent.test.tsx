import { fireEvent, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { fakeGatewayApi } from '../../__testUtils__/fakeGatewayApi';
import { EntityEngineContent } from './EntityEngineContent';
import { isAigcEngine } from './engineEntity';

const engine = (
  name: string,
  type = 'aigc-engine',
  annotations: Record<string, string> = {},
) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type, owner: 'group:default/aigc-admins', lifecycle: 'production' },
});

describe('the Engine entity tab', () => {
  it('launches the engine the component stands for and lists my instances of it', async () => {
    const api = fakeGatewayApi();
    renderInTestApp(
      <EntityProvider
        entity={engine('sample-engine-v1.0.0', 'aigc-engine-version', {
          'aigc-gateway.io/template-id': 'sample-engine',
        })}
      >
        <EntityEngineContent />
      </EntityProvider>,
      { apis: [[aigcGatewayApiRef, api]] },
    );
    expect(await screen.findByText('Sample Engine')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Launch' }));
    expect(await screen.findByText('running: answering')).toBeInTheDocument();
    expect(api.calls.filter(c => c.startsWith('launch'))).toEqual([
      'launch {"templateId":"sample-engine","version":"2.0.0","poolId":"local"}',
    ]);
  });

  it('says so when the gateway offers no such engine', async () => {
    renderInTestApp(
      <EntityProvider entity={engine('retired-engine')}>
        <EntityEngineContent />
      </EntityProvider>,
      { apis: [[aigcGatewayApiRef, fakeGatewayApi()]] },
    );
    expect(
      await screen.findByText('This engine cannot be launched'),
    ).toBeInTheDocument();
  });

  it('is on engine template and version components only', () => {
    expect(isAigcEngine(engine('x'))).toBe(true);
    expect(isAigcEngine(engine('x', 'aigc-engine-version'))).toBe(true);
    expect(isAigcEngine(engine('x', 'service'))).toBe(false);
  });
});
