import { useApi } from '@backstage/core-plugin-api';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';
import { TemplateCard } from '../LaunchView/TemplateCard';
import { InstancesView } from '../InstancesView/InstancesView';
import { engineTemplateIdOf } from './engineEntity';

/**
 * The "Engine" tab of an engine component: launch it (versions, pools,
 * price) and manage my instances of it, without leaving the catalog.
 */
export const EntityEngineContent = () => {
  const { entity } = useEntity();
  const api = useApi(aigcGatewayApiRef);
  const templateId = engineTemplateIdOf(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => ({
      templates: await api.listTemplates(),
      pools: await api.listPools(),
    }),
    [api],
  );
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const template = value?.templates.find(t => t.id === templateId);
  if (!template) {
    return (
      <EmptyState
        missing="data"
        title="This engine cannot be launched"
        description={`The AIGC Gateway offers no template "${templateId}" to you: it may be retired, or not configured any more.`}
      />
    );
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <TemplateCard
          template={template}
          pools={value!.pools}
          onLaunched={retry}
        />
      </Grid>
      <Grid item xs={12}>
        <InstancesView scope="mine" templateId={template.id} />
      </Grid>
    </Grid>
  );
};
