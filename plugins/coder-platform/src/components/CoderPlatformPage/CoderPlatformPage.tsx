import {
  Content,
  ContentHeader,
  Header,
  Page,
} from '@backstage/core-components';
import { ClustersTable } from '../ClustersTable';

/** The plugin's own page: every configured Coder development cluster. */
export function CoderPlatformPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Coder Platform"
        subtitle="Coder development clusters: deployments, users and backups"
      />
      <Content>
        <ContentHeader title="Clusters" />
        <ClustersTable />
      </Content>
    </Page>
  );
}
