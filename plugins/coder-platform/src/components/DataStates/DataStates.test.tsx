import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import {
  notConfiguredError,
  permissionDeniedError,
  responseError,
  upstreamUnavailableError,
} from '../../__testUtils__/responseErrors';
import { DataStateView } from './DataStateView';
import { StaleBanner } from './StaleBanner';

interface Payload {
  fetchedAt: string;
  stale: boolean;
  error?: { upstream: string; message: string };
  total: number;
}

function renderState(state: {
  loading: boolean;
  error?: Error;
  value?: Payload;
}) {
  return renderInTestApp(
    <DataStateView
      state={state}
      what="Keycloak users"
      permission="coder-platform.keycloak.users.read"
    >
      {value => <p>Total users: {value.total}</p>}
    </DataStateView>,
  );
}

describe('DataStateView', () => {
  it('shows progress while loading', async () => {
    renderState({ loading: true });
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Keycloak users',
      }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Total users/)).not.toBeInTheDocument();
  });

  it('names the config key to set when the cluster does not configure the view', async () => {
    renderState({
      loading: false,
      error: await notConfiguredError('dev-eu1', 'keycloak'),
    });
    expect(
      await screen.findByText('Keycloak users: not configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Cluster dev-eu1 has no keycloak configured/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coderPlatform.clusters[].keycloak'),
    ).toBeInTheDocument();
  });

  it('names the permission to ask for, never a raw 403', async () => {
    renderState({
      loading: false,
      error: await permissionDeniedError('coder-platform.keycloak.users.read'),
    });
    expect(
      await screen.findByText('Keycloak users: permission required'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coder-platform.keycloak.users.read'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/403/)).not.toBeInTheDocument();
  });

  it('falls back to the route permission when the 403 does not name one', async () => {
    renderState({
      loading: false,
      error: await responseError(403, 'NotAllowedError', 'Forbidden'),
    });
    expect(
      await screen.findByText('coder-platform.keycloak.users.read'),
    ).toBeInTheDocument();
  });

  it('shows the backend message for an upstream failure', async () => {
    renderState({
      loading: false,
      error: await upstreamUnavailableError('keycloak', 'dev-eu1'),
    });
    expect(
      await screen.findByText('Keycloak users: unavailable'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /keycloak of cluster dev-eu1 is unavailable and nothing is cached/,
      ),
    ).toBeInTheDocument();
  });

  it('shows any other error in an error panel', async () => {
    renderState({ loading: false, error: new Error('Failed to fetch') });
    expect(
      (await screen.findAllByText(/Failed to fetch/)).length,
    ).toBeGreaterThan(0);
  });

  it('renders the data, without a banner when it is fresh', async () => {
    renderState({
      loading: false,
      value: { fetchedAt: '2026-12-01T10:00:00Z', stale: false, total: 312 },
    });
    expect(await screen.findByText('Total users: 312')).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('puts a stale banner with fetchedAt and the upstream error above stale data', async () => {
    renderState({
      loading: false,
      value: {
        fetchedAt: '2026-12-01T10:00:00Z',
        stale: true,
        error: { upstream: 'keycloak', message: 'connect ECONNREFUSED' },
        total: 312,
      },
    });
    expect(await screen.findByText('Total users: 312')).toBeInTheDocument();
    const banner = screen.getByRole('status');
    expect(banner).toHaveTextContent(
      `Showing data from ${new Date('2026-12-01T10:00:00Z').toLocaleString()}`,
    );
    expect(banner).toHaveTextContent('keycloak failed: connect ECONNREFUSED');
  });
});

describe('StaleBanner', () => {
  it('says the upstream failed when the response names no error', async () => {
    await renderInTestApp(
      <StaleBanner freshness={{ fetchedAt: 'not-a-date', stale: true }} />,
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Showing data from not-a-date',
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'this is the last data read from it',
    );
  });
});
