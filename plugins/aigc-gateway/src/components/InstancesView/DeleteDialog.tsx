import { useState } from 'react';
import { InstanceView } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';

/** Asks before deleting; the data is deleted only when the box is ticked. */
export const DeleteDialog = (props: {
  instance: InstanceView;
  onCancel: () => void;
  onConfirm: (deleteData: boolean) => void;
}) => {
  const [deleteData, setDeleteData] = useState(false);
  return (
    <Dialog open onClose={props.onCancel}>
      <DialogTitle>Delete this instance?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {props.instance.templateId} {props.instance.version}
          {props.instance.name ? ` “${props.instance.name}”` : ''}. Without the
          box below, its data volume is kept.
        </DialogContentText>
        <FormControlLabel
          control={
            <Checkbox
              checked={deleteData}
              onChange={e => setDeleteData(e.target.checked)}
            />
          }
          label="Also delete its data (models and outputs) for good"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button color="secondary" onClick={() => props.onConfirm(deleteData)}>
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
};
