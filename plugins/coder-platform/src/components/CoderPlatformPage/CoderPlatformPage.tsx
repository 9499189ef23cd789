import { Content, Header, Page } from '@backstage/core-components';
import { Route, Routes } from 'react-router-dom';
import { ClusterPage } from '../ClusterPage';
import { ClustersTable } from '../ClustersTable';

/**
 * The Coder Platform page's routes: every cluster at the root, one cluster
 * at `clusters/:name` (with its tabs). The new frontend system wraps it in
 * its own page layout and header.
 */
export function CoderPlatformPage() {
  return (
    <Routes>
      <Route
        path="/"
        element={
          <Content>
            <ClustersTable />
          </Content>
        }
      />
      <Route path="/clusters/:name/*" element={<ClusterPage />} />
    </Routes>
  );
}

/** The same page with its own header, for apps on the legacy frontend system. */
export function LegacyCoderPlatformPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Coder Platform"
        subtitle="Coder development clusters: deployments, users and backups"
      />
      <CoderPlatformPage />
    </Page>
  );
}
