import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { InstanceView } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import useAsync from 'react-use/esm/useAsync';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { versionLabel } from '../labels';

/** Picks another version for a released instance; its data is migrated when the layouts differ. */
export const SwitchVersionDialog = (props: {
  instance: InstanceView;
  onCancel: () => void;
  onConfirm: (version: string) => void;
}) => {
  const { instance } = props;
  const api = useApi(aigcGatewayApiRef);
  const { value: versions = [] } = useAsync(
    async () =>
      (await api.listTemplates())
        .find(t => t.id === instance.templateId)
        ?.versions.filter(
          v => v.status !== 'retired' && v.version !== instance.version,
        )
        .reverse() ?? [],
    [api, instance.templateId],
  );
  const [version, setVersion] = useState('');
  return (
    <Dialog open onClose={props.onCancel}>
      <DialogTitle>Switch version</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {instance.templateId} {instance.version}
          {instance.name ? ` “${instance.name}”` : ''}. Its data is copied aside
          first, then migrated to the new version's data layout; if that fails,
          the copy is put back and it stays on {instance.version}.
        </DialogContentText>
        <TextField
          select
          fullWidth
          id="switch-version"
          label="New version"
          value={version}
          onChange={e => setVersion(e.target.value)}
        >
          {versions.map(v => (
            <MenuItem key={v.version} value={v.version}>
              {versionLabel(v)}
            </MenuItem>
          ))}
        </TextField>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          color="primary"
          disabled={!version}
          onClick={() => props.onConfirm(version)}
        >
          Switch
        </Button>
      </DialogActions>
    </Dialog>
  );
};
