import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor } from '@testing-library/react';
import {
  coderOverviewFixture,
  coderWorkspacesFixture,
  coderWorkspacesResponse,
} from '../../__fixtures__/coder';
import { CoderPlatformApi } from '../../api';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { dataStateCases } from '../../__testUtils__/states';
import { EntityWorkspaceImageCard } from './EntityWorkspaceImageCard';

function workspaceImage(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'python-ml-image', annotations },
    spec: {
      type: 'workspace-image',
      owner: 'data-team',
      lifecycle: 'production',
    },
  };
}

const bound = workspaceImage({
  'coder-platform.io/cluster': 'dev-eu1',
  'coder-platform.io/coder-template': 'python-ml',
});

function renderFor(entity: Entity, api: Partial<CoderPlatformApi>) {
  return renderWithApi(
    <EntityProvider entity={entity}>
      <EntityWorkspaceImageCard />
    </EntityProvider>,
    api,
  );
}

const mlWorkspaces = coderWorkspacesFixture.filter(
  w => w.template === 'python-ml',
);

describe('EntityWorkspaceImageCard', () => {
  it('shows the Coder template and the workspaces using it (q=template:<name>), one overview request', async () => {
    const listWorkspaces = jest.fn(async (_c: string, query?: object) =>
      coderWorkspacesResponse(query, mlWorkspaces, mlWorkspaces.length),
    );
    const getCoderOverview = jest.fn(async () => coderOverviewFixture);
    renderFor(bound, { getCoderOverview, listWorkspaces });

    expect(await screen.findByText('Python ML (GPU)')).toBeInTheDocument();
    expect(
      screen.getByText(/active users being computed, start build p50 n\/a/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Deprecated: Use devbox with the GPU parameter instead/),
    ).toBeInTheDocument();
    expect(await screen.findByText('notebooks')).toHaveAttribute(
      'href',
      'https://coder.dev-eu1.example.com/@carol/notebooks',
    );
    expect(screen.getByText('carol')).toBeInTheDocument();
    expect(getCoderOverview).toHaveBeenCalledTimes(1);
    await waitFor(() =>
      expect(listWorkspaces).toHaveBeenCalledWith('dev-eu1', {
        q: 'template:python-ml',
        limit: 10,
        offset: 0,
      }),
    );
  });

  it('says when Coder has no template of that name', async () => {
    renderFor(
      workspaceImage({
        'coder-platform.io/cluster': 'dev-eu1',
        'coder-platform.io/coder-template': 'rust-dev',
      }),
      {
        getCoderOverview: async () => coderOverviewFixture,
        listWorkspaces: async () => coderWorkspacesResponse({}, [], 0),
      },
    );
    expect(
      await screen.findByText(/Coder on cluster dev-eu1 has no template named/),
    ).toBeInTheDocument();
    expect(screen.getByText('rust-dev')).toBeInTheDocument();
  });

  it('names the annotations to add when they are missing', async () => {
    const getCoderOverview = jest.fn(async () => coderOverviewFixture);
    renderFor(workspaceImage({}), { getCoderOverview });
    expect(
      await screen.findByText('coder-platform.io/cluster'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coder-platform.io/coder-template'),
    ).toBeInTheDocument();
    expect(getCoderOverview).not.toHaveBeenCalled();
  });

  it('reports an invalid cluster annotation', async () => {
    renderFor(
      workspaceImage({
        'coder-platform.io/cluster': 'Dev EU',
        'coder-platform.io/coder-template': 'python-ml',
      }),
      {},
    );
    expect(
      await screen.findByText(/is "Dev EU", which is not a valid cluster name/),
    ).toBeInTheDocument();
  });

  it.each(
    dataStateCases({
      render: api => renderFor(bound, api),
      method: 'getCoderOverview',
      others: {
        listWorkspaces: async () =>
          coderWorkspacesResponse({}, mlWorkspaces, mlWorkspaces.length),
      },
      what: 'Coder template',
      configKey: 'coderPlatform.clusters[].coder',
      permission: 'coder-platform.coder.read',
      upstream: 'coder',
      value: coderOverviewFixture,
      dataText: 'Python ML (GPU)',
    }),
  )('$name', async ({ run }) => {
    expect.hasAssertions();
    await run();
  });
});
