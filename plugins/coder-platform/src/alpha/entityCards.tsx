import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { coderClusterFilter, workspaceImageFilter } from './filters';

/** Overview card of a `coder-cluster` Resource. */
export const entityClusterCard = EntityCardBlueprint.make({
  name: 'cluster',
  params: {
    type: 'content',
    filter: coderClusterFilter,
    loader: () =>
      import('../components/EntityClusterCard').then(m => (
        <m.EntityClusterCard />
      )),
  },
});

/** Card of a `workspace-image` Component: its Coder template and workspaces. */
export const entityWorkspaceImageCard = EntityCardBlueprint.make({
  name: 'workspace-image',
  params: {
    type: 'content',
    filter: workspaceImageFilter,
    loader: () =>
      import('../components/EntityWorkspaceImageCard').then(m => (
        <m.EntityWorkspaceImageCard />
      )),
  },
});
