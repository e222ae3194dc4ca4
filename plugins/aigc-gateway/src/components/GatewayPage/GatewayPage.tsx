import { Content, Header, Page } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { SignedInUser } from './SignedInUser';
import { TemplateTable } from './TemplateTable';

/** The gateway's home page in the portal. */
export const GatewayPage = () => (
  <Page themeId="tool">
    <Header
      title="AIGC Gateway"
      subtitle="AI content engines on the company's GPUs"
    />
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} md={4}>
          <SignedInUser />
        </Grid>
        <Grid item xs={12} md={8}>
          <TemplateTable />
        </Grid>
      </Grid>
    </Content>
  </Page>
);
