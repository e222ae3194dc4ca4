/** Names under which templates use the pickers (`ui:field: AigcTemplatePicker`). */
export const pickerNames = {
  template: 'AigcTemplatePicker',
  version: 'AigcVersionPicker',
  pool: 'AigcPoolPicker',
} as const;

export { TemplatePicker, VersionPicker, PoolPicker } from './pickers';
export type { PickerUiOptions } from './pickers';
