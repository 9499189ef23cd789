import type { Entity } from '@backstage/catalog-model';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { coderOverviewFixture } from '../../__fixtures__/coder';
import { CoderPlatformApi } from '../../api';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { dataStateCases } from '../../__testUtils__/states';
import { ClusterTemplatesContent } from './ClusterTemplatesContent';
import { templateOfImage } from './useWorkspaceImages';

function workspaceImage(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'workspace-image',
      owner: 'platform-team',
      lifecycle: 'production',
    },
  };
}

const images = [
  workspaceImage('devbox-image', {
    'coder-platform.io/cluster': 'dev-eu1',
    'coder-platform.io/coder-template': 'devbox',
  }),
  workspaceImage('devbox-image-us', {
    'coder-platform.io/cluster': 'dev-us1',
    'coder-platform.io/coder-template': 'devbox',
  }),
];

function renderTemplates(
  api: Partial<CoderPlatformApi>,
  catalog = catalogApiMock({ entities: images }),
) {
  return renderWithApi(<ClusterTemplatesContent cluster="dev-eu1" />, api, {
    extraApis: [[catalogApiRef, catalog]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('ClusterTemplatesContent', () => {
  it('lists each template with its workspace image, active users and build time', async () => {
    renderTemplates({ getCoderOverview: async () => coderOverviewFixture });

    const table = await screen.findByRole('table', { name: 'Coder templates' });
    const devbox = within(table).getByText('Devbox').closest('tr')!;
    expect(
      (await within(devbox).findByText('devbox-image')).closest('a'),
    ).toHaveAttribute('href', '/catalog/default/component/devbox-image');
    expect(
      within(devbox).queryByText('devbox-image-us'),
    ).not.toBeInTheDocument();
    expect(within(devbox).getByText('23')).toBeInTheDocument();
    expect(
      within(devbox).getByText('48 s (p95 1 min 35 s)'),
    ).toBeInTheDocument();

    const ml = within(table).getByText('Python ML (GPU)').closest('tr')!;
    expect(within(ml).getByText('deprecated')).toBeInTheDocument();
    expect(within(ml).getByText('computing')).toBeInTheDocument();
    expect(within(ml).getByText('n/a')).toBeInTheDocument();
    expect(within(ml).getByText('unknown')).toBeInTheDocument();
  });

  it('still lists the templates when the catalog cannot be read', async () => {
    const catalog = catalogApiMock.mock({
      getEntities: jest.fn(async () => {
        throw new Error('catalog answered 503');
      }),
    });
    renderTemplates(
      { getCoderOverview: async () => coderOverviewFixture },
      catalog,
    );

    expect(
      await screen.findByText(
        /Workspace images unknown: the catalog could not be read \(catalog answered 503\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Devbox')).toBeInTheDocument();
  });

  it('says how to add a template when Coder has none', async () => {
    renderTemplates({
      getCoderOverview: async () => ({
        ...coderOverviewFixture,
        templates: [],
      }),
    });
    expect(
      await screen.findByText(/No templates in this Coder deployment yet/),
    ).toBeInTheDocument();
  });

  it('matches images by cluster and template annotations', () => {
    expect(templateOfImage(images[0], 'dev-eu1')).toBe('devbox');
    expect(templateOfImage(images[1], 'dev-eu1')).toBeUndefined();
    expect(
      templateOfImage(
        workspaceImage('any', { 'coder-platform.io/coder-template': 'go' }),
        'dev-eu1',
      ),
    ).toBe('go');
    expect(
      templateOfImage(workspaceImage('bare', {}), 'dev-eu1'),
    ).toBeUndefined();
  });

  it.each(
    dataStateCases({
      render: api => renderTemplates(api),
      method: 'getCoderOverview',
      what: 'Coder templates',
      configKey: 'coderPlatform.clusters[].coder',
      permission: 'coder-platform.coder.read',
      upstream: 'coder',
      value: coderOverviewFixture,
      dataText: 'Devbox',
    }),
  )('$name', async ({ run }) => {
    expect.hasAssertions();
    await run();
  });
});
