import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  coderOverviewFixture,
  coderWorkspacesResponse,
} from '../../__fixtures__/coder';
import { CoderPlatformApi } from '../../api';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { dataStateCases } from '../../__testUtils__/states';
import {
  ClusterWorkspacesContent,
  workspaceQuery,
} from './ClusterWorkspacesContent';

function apiWith(listWorkspaces: CoderPlatformApi['listWorkspaces']) {
  return {
    listWorkspaces: jest.fn(listWorkspaces),
    getCoderOverview: jest.fn(async () => coderOverviewFixture),
  };
}

describe('ClusterWorkspacesContent', () => {
  it('lists owner, template, status, last used and outdated, linking each workspace to Coder', async () => {
    const api = apiWith(async (_c, query) => coderWorkspacesResponse(query));
    renderWithApi(<ClusterWorkspacesContent cluster="dev-eu1" />, api);

    const table = await screen.findByRole('table', { name: 'Workspaces' });
    await waitFor(() =>
      expect(within(table).getByText('api-refactor')).toHaveAttribute(
        'href',
        'https://coder.dev-eu1.example.com/@bob/api-refactor',
      ),
    );
    const row = within(table).getByText('api-refactor').closest('tr')!;
    expect(within(row).getByText('bob')).toBeInTheDocument();
    expect(within(row).getByText('Devbox')).toBeInTheDocument();
    expect(within(row).getByText('running')).toBeInTheDocument();
    expect(within(row).getByText('outdated')).toBeInTheDocument();
    expect(
      within(row).getByText(
        new Date('2026-11-29T17:05:00.000Z').toLocaleString(),
      ),
    ).toBeInTheDocument();
    const failed = within(table).getByText('broken-build').closest('tr')!;
    expect(within(failed).getByText('failed, unhealthy')).toBeInTheDocument();
    expect(screen.getByText('1-25 of 61')).toBeInTheDocument();
    expect(api.listWorkspaces).toHaveBeenCalledWith('dev-eu1', {
      q: undefined,
      limit: 25,
      offset: 0,
    });
  });

  it("sends the search as Coder's q and starts over at the first page", async () => {
    const api = apiWith(async (_c, query) => coderWorkspacesResponse(query));
    renderWithApi(<ClusterWorkspacesContent cluster="dev-eu1" />, api);
    await screen.findByRole('table', { name: 'Workspaces' });

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(api.listWorkspaces).toHaveBeenLastCalledWith('dev-eu1', {
        q: undefined,
        limit: 25,
        offset: 25,
      }),
    );

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search workspaces' }),
      'owner:bob{Enter}',
    );
    await waitFor(() =>
      expect(api.listWorkspaces).toHaveBeenLastCalledWith('dev-eu1', {
        q: 'owner:bob',
        limit: 25,
        offset: 0,
      }),
    );
  });

  it('keeps a fixed filter in every query', async () => {
    const api = apiWith(async (_c, query) => coderWorkspacesResponse(query));
    renderWithApi(
      <ClusterWorkspacesContent
        cluster="dev-eu1"
        fixedQuery="template:devbox"
        pageSize={10}
      />,
      api,
    );
    await screen.findByRole('table', { name: 'Workspaces' });
    expect(api.listWorkspaces).toHaveBeenCalledWith('dev-eu1', {
      q: 'template:devbox',
      limit: 10,
      offset: 0,
    });

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search workspaces' }),
      'owner:alice{Enter}',
    );
    await waitFor(() =>
      expect(api.listWorkspaces).toHaveBeenLastCalledWith('dev-eu1', {
        q: 'template:devbox owner:alice',
        limit: 10,
        offset: 0,
      }),
    );
  });

  it('shows names without links when the Coder URL is unknown', async () => {
    renderWithApi(<ClusterWorkspacesContent cluster="dev-eu1" />, {
      listWorkspaces: async () => coderWorkspacesResponse(),
      getCoderOverview: async () => ({
        ...coderOverviewFixture,
        buildInfo: { version: 'v2.25.1' },
      }),
    });
    const name = await screen.findByText('api-refactor');
    expect(name.closest('a')).toBeNull();
  });

  it('says when nothing matches the search', async () => {
    renderWithApi(<ClusterWorkspacesContent cluster="dev-eu1" />, {
      listWorkspaces: async () => coderWorkspacesResponse({}, [], 0),
      getCoderOverview: async () => coderOverviewFixture,
    });
    expect(await screen.findByText('No workspaces yet.')).toBeInTheDocument();
  });

  it('joins the fixed filter and the search', () => {
    expect(workspaceQuery(undefined, '  ')).toBeUndefined();
    expect(workspaceQuery('template:devbox', '')).toBe('template:devbox');
    expect(workspaceQuery(undefined, ' owner:bob ')).toBe('owner:bob');
  });

  it.each(
    dataStateCases({
      render: api =>
        renderWithApi(<ClusterWorkspacesContent cluster="dev-eu1" />, api),
      method: 'listWorkspaces',
      others: { getCoderOverview: async () => coderOverviewFixture },
      what: 'Coder workspaces',
      configKey: 'coderPlatform.clusters[].coder',
      permission: 'coder-platform.coder.read',
      upstream: 'coder',
      value: coderWorkspacesResponse(),
      dataText: 'api-refactor',
    }),
  )('$name', async ({ run }) => {
    expect.hasAssertions();
    await run();
  });
});
