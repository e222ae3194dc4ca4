import { useApi } from '@backstage/core-plugin-api';
import {
  EmptyState,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EngineTemplateView } from '@internal/plugin-aigc-gateway-common';
import useAsync from 'react-use/esm/useAsync';
import { aigcGatewayApiRef } from '../../api/AigcGatewayApi';

const columns: TableColumn<EngineTemplateView>[] = [
  { title: 'Engine', field: 'title' },
  { title: 'Kind', field: 'kind' },
  { title: 'Description', field: 'description' },
  {
    title: 'Versions',
    render: t =>
      t.versions.map(v => `${v.version} (${v.status})`).join(', '),
  },
  {
    title: 'Pools',
    render: t =>
      [...new Set(t.versions.flatMap(v => v.pools))].join(', '),
  },
];

/** The engine templates the backend offers, as `GET /templates` reports them. */
export const TemplateTable = () => {
  const api = useApi(aigcGatewayApiRef);
  const { value, loading, error } = useAsync(() => api.listTemplates(), [api]);

  if (error) return <ResponseErrorPanel error={error} />;
  if (!loading && value?.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No engine templates"
        description="Add templates under aigcGateway.templates in app-config.yaml and restart the backend."
      />
    );
  }
  return (
    <Table<EngineTemplateView>
      title="Engine templates"
      options={{ paging: false, search: false }}
      isLoading={loading}
      columns={columns}
      data={value ?? []}
    />
  );
};
