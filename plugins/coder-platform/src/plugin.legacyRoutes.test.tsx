import type { Entity } from '@backstage/catalog-model';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Children, isValidElement, ReactElement, ReactNode } from 'react';
import { Route, useRoutes } from 'react-router-dom';
import {
  postgresBackupsResponseFixture,
  workspaceBackupsResponseFixture,
} from './__fixtures__/backups';
import { clustersFixture } from './__fixtures__/clusters';
import {
  coderOverviewFixture,
  coderWorkspacesResponse,
} from './__fixtures__/coder';
import { helmReleasesFixture } from './__fixtures__/releases';
import { CoderPlatformApi, coderPlatformApiRef } from './api';
import { CoderPlatformPage, EntityCoderClusterCard } from './plugin';

// The cluster page renders material-tables and a recharts chart in jsdom.
jest.setTimeout(90_000);
configure({ asyncUtilTimeout: 15_000 });

const api: Partial<CoderPlatformApi> = {
  listClusters: async () => clustersFixture,
  getCluster: async name => clustersFixture.find(c => c.name === name)!,
  getCoderOverview: async cluster => ({ ...coderOverviewFixture, cluster }),
  listWorkspaces: async (_cluster, query) => coderWorkspacesResponse(query),
  getPostgresBackups: async () => postgresBackupsResponseFixture,
  getWorkspaceBackups: async () => workspaceBackupsResponseFixture,
  getReleases: async () => helmReleasesFixture,
};

const clusterResource: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dev-eu1',
    annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
  },
  spec: { type: 'coder-cluster', owner: 'platform-team' },
};

/**
 * The `<FlatRoutes>` of a legacy app's `App.tsx` (from `@backstage/core-app-api`,
 * which this package does not depend on), reduced to what it does with
 * `<Route path element>` children: each matches its path and everything
 * under it. Backstage's route collector reads the `path` props as written
 * (`/platform`), exactly as in an app; writing `/platform/*` there would make
 * every link `/platform/*` + sub-path.
 */
function FlatRoutes(props: { children: ReactNode }) {
  const routes = Children.toArray(props.children)
    .filter((child): child is ReactElement => isValidElement(child))
    .map(child => ({
      path: `${child.props.path}/*`,
      element: child.props.element,
    }));
  return useRoutes(routes);
}

/**
 * A legacy app that mounts the Coder Platform page at `/platform` (not the
 * plugin's default path, so every link must come from the route refs), as
 * the README's install line does, and a catalog page with the entity card.
 */
function renderLegacyApp(path: string, element = <CoderPlatformPage />) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [coderPlatformApiRef, api],
        [permissionApiRef, new MockPermissionApi()],
        [catalogApiRef, catalogApiMock({ entities: [clusterResource] })],
      ]}
    >
      <FlatRoutes>
        <Route path="/platform" element={element} />
        <Route
          path="/catalog/resource/dev-eu1"
          element={
            <EntityProvider entity={clusterResource}>
              <EntityCoderClusterCard />
            </EntityProvider>
          }
        />
      </FlatRoutes>
    </TestApiProvider>,
    { routeEntries: [path] },
  );
}

const TAB_PATHS = {
  Overview: '/platform/clusters/dev-eu1',
  Workspaces: '/platform/clusters/dev-eu1/workspaces',
  Templates: '/platform/clusters/dev-eu1/templates',
  Users: '/platform/clusters/dev-eu1/users',
  Backups: '/platform/clusters/dev-eu1/backups',
  Releases: '/platform/clusters/dev-eu1/releases',
};

function tabLinks() {
  return Object.fromEntries(
    screen
      .getAllByRole('tab')
      .map(tab => [
        tab.textContent,
        (tab.closest('a') ?? tab).getAttribute('href'),
      ]),
  );
}

describe('the legacy CoderPlatformPage mounted at /platform', () => {
  it('links each cluster of the table to its page under the mount path', async () => {
    await renderLegacyApp('/platform');
    expect(
      await screen.findByRole('heading', { name: 'Coder Platform' }),
    ).toBeInTheDocument();
    expect(
      (await screen.findByText('Development EU')).closest('a'),
    ).toHaveAttribute('href', '/platform/clusters/dev-eu1');
    // The title links; the name below it repeats as plain text.
    expect(screen.getAllByText('staging')[0].closest('a')).toHaveAttribute(
      'href',
      '/platform/clusters/staging',
    );
  });

  it('opens the cluster page from the table, with tab links under the cluster path', async () => {
    await renderLegacyApp('/platform');
    await userEvent.click(await screen.findByText('Development EU'));
    expect(
      await screen.findByRole('heading', { name: 'Development EU' }),
    ).toBeInTheDocument();
    expect(tabLinks()).toEqual(TAB_PATHS);
    expect(screen.getByText('All clusters').closest('a')).toHaveAttribute(
      'href',
      '/platform',
    );
  });

  it('opens a tab from its link and keeps the others linked', async () => {
    await renderLegacyApp('/platform/clusters/dev-eu1');
    await userEvent.click(await screen.findByRole('tab', { name: 'Backups' }));
    expect(
      await screen.findByRole('figure', {
        name: 'Base backups of main-postgres-db over time',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Backups' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(tabLinks()).toEqual(TAB_PATHS);
  });

  it.each([
    ['workspaces', () => screen.findByRole('table', { name: 'Workspaces' })],
    ['releases', () => screen.findByRole('table', { name: 'Helm releases' })],
    [
      'backups',
      () =>
        screen.findByRole('table', {
          name: 'Base backups of main-postgres-db',
        }),
    ],
  ])('opens the %s tab from a deep link', async (tab, content) => {
    await renderLegacyApp(`/platform/clusters/dev-eu1/${tab}`);
    expect(await content()).toBeInTheDocument();
    const selected = screen
      .getAllByRole('tab')
      .find(t => t.getAttribute('aria-selected') === 'true');
    expect(selected?.textContent?.toLowerCase()).toBe(tab);
  });

  it('lets the entity card link to the cluster page under the mount path', async () => {
    await renderLegacyApp('/catalog/resource/dev-eu1');
    const card = await screen.findByText('Open the cluster page');
    expect(card.closest('a')).toHaveAttribute(
      'href',
      '/platform/clusters/dev-eu1',
    );
    await userEvent.click(card);
    expect(
      await screen.findByRole('heading', { name: 'Development EU' }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('tab', { name: 'Overview' })).getByText(
        'Overview',
      ),
    ).toBeInTheDocument();
  });
});
