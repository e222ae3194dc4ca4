import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  pickerNames,
  PoolPicker,
  TemplatePicker,
  VersionPicker,
} from './index';

/** The pickers as form fields of the new frontend system's scaffolder. */
export const templatePickerField = createFormField({
  name: pickerNames.template,
  component: TemplatePicker,
});
export const versionPickerField = createFormField({
  name: pickerNames.version,
  component: VersionPicker,
});
export const poolPickerField = createFormField({
  name: pickerNames.pool,
  component: PoolPicker,
});
