import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import useAsync from 'react-use/esm/useAsync';
import { AigcGatewayApi, aigcGatewayApiRef } from '../../api/AigcGatewayApi';

export interface SelectOption {
  value: string;
  label: string;
}

/**
 * A select whose options come from the gateway's API. It says when they
 * are loading, when the gateway cannot be reached, and when there are none.
 */
export const GatewaySelectField = (
  props: FieldExtensionComponentProps<string> & {
    /** Loads the options; re-run when `dependsOn` changes. */
    load: (api: AigcGatewayApi) => Promise<SelectOption[]>;
    dependsOn: unknown[];
    /** The label of the empty choice, when the field may stay empty. */
    emptyLabel?: string;
    /** What to say when there is nothing to choose. */
    noneLabel: string;
  },
) => {
  const {
    formData,
    onChange,
    schema,
    required,
    rawErrors,
    idSchema,
    load,
    dependsOn,
    emptyLabel,
    noneLabel,
  } = props;
  const api = useApi(aigcGatewayApiRef);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const {
    value: options,
    loading,
    error,
  } = useAsync(() => load(api), dependsOn);
  let helperText = schema.description;
  if (error) helperText = `Could not ask the AIGC Gateway: ${error.message}`;
  else if (loading) helperText = 'Asking the AIGC Gateway…';
  else if (options?.length === 0) helperText = noneLabel;
  return (
    <TextField
      select
      fullWidth
      margin="normal"
      id={idSchema?.$id}
      label={schema.title}
      required={required}
      value={options?.some(o => o.value === formData) ? formData : ''}
      onChange={e => onChange(e.target.value || undefined)}
      disabled={loading || Boolean(error)}
      error={Boolean(error) || (rawErrors?.length ?? 0) > 0}
      helperText={helperText}
    >
      {emptyLabel && (
        <MenuItem value="">
          <em>{emptyLabel}</em>
        </MenuItem>
      )}
      {(options ?? []).map(o => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
};
