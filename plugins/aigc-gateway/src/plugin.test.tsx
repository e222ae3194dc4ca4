import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp as renderInNewApp,
} from '@backstage/frontend-test-utils';
import { ApiBlueprint, coreExtensionData } from '@backstage/frontend-plugin-api';
import { identityApiRef } from '@backstage/core-plugin-api';
import aigcGatewayAlphaPlugin from './alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AigcGatewayPage, aigcGatewayPlugin, EntityAigcCostContent } from './plugin';
import { aigcGatewayApiRef } from './api/AigcGatewayApi';
import { Route, Routes } from 'react-router-dom';
import { fakeGatewayApi } from './__testUtils__/fakeGatewayApi';

const group = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'creators-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const identity = mockApis.identity({ userEntityRef: 'user:default/bob', displayName: 'Bob Creator' });

describe('legacy frontend system exports', () => {
  it('declares the plugin with its API', () => {
    expect(aigcGatewayPlugin.getId()).toBe('aigc-gateway');
    expect([...aigcGatewayPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.aigc-gateway.api',
    ]);
  });

  it('renders the routable page extension', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[identityApiRef, identity], [aigcGatewayApiRef, fakeGatewayApi()]]}>
        <Routes>
          <Route path="/aigc-gateway" element={<AigcGatewayPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/aigc-gateway'] },
    );
    expect(await screen.findByText('Bob Creator')).toBeInTheDocument();
    expect(await screen.findByText('Sample Engine')).toBeInTheDocument();
  });
});

describe('legacy entity tab', () => {
  it('renders a group\'s AIGC cost by member', async () => {
    const api = fakeGatewayApi();
    await renderInTestApp(
      <TestApiProvider apis={[[aigcGatewayApiRef, api]]}>
        <EntityProvider entity={group}>
          <EntityAigcCostContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('By user')).toBeInTheDocument();
    expect(api.calls.filter(c => c.includes('"entityRef":"group:default/creators-a"'))).not.toHaveLength(0);
  });
});

describe('new frontend system plugin', () => {
  it('provides the AIGC cost entity content for cost-bearing entities only', async () => {
    const content = aigcGatewayAlphaPlugin.getExtension('entity-content:aigc-gateway/cost');
    const api = fakeGatewayApi();
    const apis = [[aigcGatewayApiRef, api]] as const;
    const tester = createExtensionTester(content, { apis });
    expect(tester.get(coreExtensionData.routePath)).toBe('aigc-cost');
    renderInNewApp(<EntityProvider entity={group}>{tester.reactElement()}</EntityProvider>, { apis });
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('12.00 USD');
  });

  it('provides the page at /aigc-gateway, rendering the gateway page', async () => {
    const page = aigcGatewayAlphaPlugin.getExtension('page:aigc-gateway');
    const apis = [identity, [aigcGatewayApiRef, fakeGatewayApi()]] as const;
    const tester = createExtensionTester(page, { apis });
    expect(tester.get(coreExtensionData.routePath)).toBe('/aigc-gateway');
    renderInNewApp(tester.reactElement(), { apis });
    expect(await screen.findByText('Bob Creator')).toBeInTheDocument();
    expect(await screen.findByText('Sample Engine')).toBeInTheDocument();
  });

  it('provides the gateway API', () => {
    const api = aigcGatewayAlphaPlugin.getExtension('api:aigc-gateway');
    const factory = createExtensionTester(api).get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe('plugin.aigc-gateway.api');
  });
});
