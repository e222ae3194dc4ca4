import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { fakeGatewayApi } from '../../__testUtils__/fakeGatewayApi';
import { PoolPicker, TemplatePicker, VersionPicker } from './pickers';

/** The props the scaffolder form gives a field, with the rest of the form's data. */
function fieldProps(
  title: string,
  formData: Record<string, unknown>,
  extra: object = {},
) {
  const onChange = jest.fn();
  return {
    onChange,
    props: {
      schema: { title, description: `Pick a ${title}` },
      uiSchema: {},
      formData: undefined,
      formContext: { formData },
      idSchema: { $id: title },
      required: false,
      rawErrors: [],
      onChange,
      ...extra,
    } as any,
  };
}

async function optionsOf(label: string) {
  await screen.findByText(`Pick a ${label}`);
  fireEvent.mouseDown(screen.getByLabelText(new RegExp(`^${label}`)));
  return within(screen.getByRole('listbox'))
    .getAllByRole('option')
    .map(o => o.textContent);
}

describe('scaffolder pickers', () => {
  it('offers the engine templates and reports the choice', async () => {
    const { props, onChange } = fieldProps('Engine', {});
    renderInTestApp(<TemplatePicker {...props} />, {
      apis: [[aigcGatewayApiRef, fakeGatewayApi()]],
    });
    expect(await optionsOf('Engine')).toEqual([
      'Sample Engine (sample-engine)',
    ]);
    fireEvent.click(screen.getByText('Sample Engine (sample-engine)'));
    expect(onChange).toHaveBeenCalledWith('sample-engine');
  });

  it("offers the chosen template's versions, newest first, and an empty default", async () => {
    const { props } = fieldProps('Version', { templateId: 'sample-engine' });
    renderInTestApp(<VersionPicker {...props} />, {
      apis: [[aigcGatewayApiRef, fakeGatewayApi()]],
    });
    expect(await optionsOf('Version')).toEqual([
      'The newest active version',
      '2.0.0 (active)',
      '1.0.0 (deprecated)',
    ]);
  });

  it('asks for a template first', async () => {
    const { props } = fieldProps('Version', {});
    renderInTestApp(<VersionPicker {...props} />, {
      apis: [[aigcGatewayApiRef, fakeGatewayApi()]],
    });
    expect(
      await screen.findByText('Choose an engine template first.'),
    ).toBeInTheDocument();
  });

  it("offers the version's pools with free capacity and price, pools with room first", async () => {
    const { props } = fieldProps(
      'Pool',
      { templateId: 'sample-engine', version: '2.0.0' },
      { required: true },
    );
    renderInTestApp(<PoolPicker {...props} />, {
      apis: [[aigcGatewayApiRef, fakeGatewayApi()]],
    });
    expect(await optionsOf('Pool')).toEqual([
      'This machine — 3 of 4 free, 0.20 USD/h',
      'A100 80G — full, launches queue, 3.20 USD/h',
    ]);
  });

  it('follows the fields named in ui:options', async () => {
    const { props } = fieldProps(
      'Pool',
      { engine: 'sample-engine', base: '1.0.0' },
      {
        required: true,
        uiSchema: {
          'ui:options': { templateField: 'engine', versionField: 'base' },
        },
      },
    );
    renderInTestApp(<PoolPicker {...props} />, {
      apis: [[aigcGatewayApiRef, fakeGatewayApi()]],
    });
    expect(await optionsOf('Pool')).toEqual([
      'This machine — 3 of 4 free, 0.20 USD/h',
    ]);
  });

  it('says when the gateway cannot be asked', async () => {
    const { props } = fieldProps('Engine', {});
    const api = fakeGatewayApi({
      listTemplates: async () => {
        throw new Error('Service Unavailable');
      },
    });
    renderInTestApp(<TemplatePicker {...props} />, {
      apis: [[aigcGatewayApiRef, api]],
    });
    expect(
      await screen.findByText(
        'Could not ask the AIGC Gateway: Service Unavailable',
      ),
    ).toBeInTheDocument();
  });
});
