import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp as renderInNewApp,
} from '@backstage/frontend-test-utils';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { getComponentData, identityApiRef } from '@backstage/core-plugin-api';
import aigcGatewayAlphaPlugin from './alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  AigcGatewayPage,
  aigcGatewayPlugin,
  AigcPoolPickerFieldExtension,
  AigcTemplatePickerFieldExtension,
  AigcVersionPickerFieldExtension,
  EntityAigcCostContent,
} from './plugin';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { aigcGatewayApiRef } from './api/AigcGatewayApi';
import { Route, Routes } from 'react-router-dom';
import { fakeGatewayApi } from './__testUtils__/fakeGatewayApi';

const group = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'creators-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const identity = mockApis.identity({
  userEntityRef: 'user:default/bob',
  displayName: 'Bob Creator',
});

describe('legacy frontend system exports', () => {
  it('declares the plugin with its API', () => {
    expect(aigcGatewayPlugin.getId()).toBe('aigc-gateway');
    expect([...aigcGatewayPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.aigc-gateway.api',
    ]);
  });

  it('renders the routable page extension', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [identityApiRef, identity],
          [aigcGatewayApiRef, fakeGatewayApi()],
        ]}
      >
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
  it("renders a group's AIGC cost by member", async () => {
    const api = fakeGatewayApi();
    await renderInTestApp(
      <TestApiProvider apis={[[aigcGatewayApiRef, api]]}>
        <EntityProvider entity={group}>
          <EntityAigcCostContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('By user')).toBeInTheDocument();
    expect(
      api.calls.filter(c =>
        c.includes('"entityRef":"group:default/creators-a"'),
      ),
    ).not.toHaveLength(0);
  });
});

describe('legacy scaffolder pickers', () => {
  it('carry their field names and render the gateway picker', async () => {
    const fields = [
      AigcTemplatePickerFieldExtension,
      AigcVersionPickerFieldExtension,
      AigcPoolPickerFieldExtension,
    ].map(
      Field =>
        getComponentData<{ name: string; component: any }>(
          <Field />,
          'scaffolder.extensions.field.v1',
        )!,
    );
    expect(fields.map(f => f.name)).toEqual([
      'AigcTemplatePicker',
      'AigcVersionPicker',
      'AigcPoolPicker',
    ]);
    const Picker = fields[0].component;
    await renderInTestApp(
      <TestApiProvider apis={[[aigcGatewayApiRef, fakeGatewayApi()]]}>
        <Picker
          schema={{ title: 'Engine', description: 'Pick one' }}
          uiSchema={{}}
          formContext={{ formData: {} }}
          idSchema={{ $id: 'engine' }}
          onChange={() => {}}
        />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Pick one')).toBeInTheDocument();
  });
});

describe('new frontend system plugin', () => {
  it('provides the AIGC cost entity content for cost-bearing entities only', async () => {
    const content = aigcGatewayAlphaPlugin.getExtension(
      'entity-content:aigc-gateway/cost',
    );
    const api = fakeGatewayApi();
    const apis = [[aigcGatewayApiRef, api]] as const;
    const tester = createExtensionTester(content, { apis });
    expect(tester.get(coreExtensionData.routePath)).toBe('aigc-cost');
    renderInNewApp(
      <EntityProvider entity={group}>{tester.reactElement()}</EntityProvider>,
      { apis },
    );
    expect(await screen.findByTestId('cost-total')).toHaveTextContent(
      '12.00 USD',
    );
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

  it('provides the scaffolder pickers as form fields', async () => {
    const names: string[] = [];
    for (const id of [
      'template-picker',
      'version-picker',
      'pool-picker',
    ] as const) {
      const extension = aigcGatewayAlphaPlugin.getExtension(
        `scaffolder-form-field:aigc-gateway/${id}`,
      );
      const load = createExtensionTester(extension).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      );
      // A form field is an opaque object; its name is what templates refer to.
      names.push(((await load()) as unknown as { name: string }).name);
    }
    expect(names).toEqual([
      'AigcTemplatePicker',
      'AigcVersionPicker',
      'AigcPoolPicker',
    ]);
  });

  it('provides the gateway API', () => {
    const api = aigcGatewayAlphaPlugin.getExtension('api:aigc-gateway');
    const factory = createExtensionTester(api).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api.id).toBe('plugin.aigc-gateway.api');
  });
});
