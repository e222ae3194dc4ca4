import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { InstanceEventView } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';

/** The live progress of one instance, from the gateway's event stream. */
export const LaunchProgress = (props: {
  instanceId: string;
  onState?: (state: InstanceEventView['state']) => void;
}) => {
  const { instanceId, onState } = props;
  const api = useApi(aigcGatewayApiRef);
  const [events, setEvents] = useState<InstanceEventView[]>([]);

  useEffect(() => {
    const abort = new AbortController();
    setEvents([]);
    api
      .streamEvents(
        instanceId,
        event => {
          setEvents(previous => [...previous, event]);
          onState?.(event.state);
        },
        abort.signal,
      )
      .catch(() => {
        // The stream ends when the page goes away or the backend restarts.
      });
    return () => abort.abort();
  }, [api, instanceId, onState]);

  const started = events.length ? Date.parse(events[0].at) : 0;
  return (
    <List dense aria-label="launch progress">
      {events.map((event, n) => (
        <ListItem key={n}>
          <ListItemText
            primary={`${event.state}: ${event.message}`}
            secondary={`+${((Date.parse(event.at) - started) / 1000).toFixed(
              1,
            )} s`}
          />
        </ListItem>
      ))}
    </List>
  );
};
