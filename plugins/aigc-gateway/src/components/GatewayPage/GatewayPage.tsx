import { useState } from 'react';
import { Content, Header, Page } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { SignedInUser } from './SignedInUser';
import { KeepAliveNotice } from './KeepAliveNotice';
import { OpenEngine } from './OpenEngine';
import { LaunchView } from '../LaunchView/LaunchView';
import { InstancesView } from '../InstancesView/InstancesView';
import { CostView } from '../Cost/CostView';
import { VersionsView } from '../VersionsView/VersionsView';

/** The gateway's page in the portal: launch engines, manage instances, review cost. */
export const GatewayPage = () => {
  const [tab, setTab] = useState(0);
  return (
    <Page themeId="tool">
      <Header
        title="AIGC Gateway"
        subtitle="AI content engines on the company's GPUs"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={3}>
            <SignedInUser />
          </Grid>
          <Grid item xs={12} md={9}>
            <OpenEngine />
            <KeepAliveNotice />
            <Tabs
              value={tab}
              onChange={(_, v) => setTab(v)}
              indicatorColor="primary"
            >
              <Tab label="Launch" />
              <Tab label="Instances" />
              <Tab label="All instances" />
              <Tab label="Versions" />
              <Tab label="Cost" />
            </Tabs>
            {tab === 0 && <LaunchView />}
            {tab === 1 && <InstancesView scope="mine" />}
            {tab === 2 && <InstancesView scope="all" />}
            {tab === 3 && <VersionsView />}
            {tab === 4 && <CostView />}
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
