import { configure, screen, waitFor, within } from '@testing-library/react';
import {
  keycloakSummaryFixture,
  keycloakUsersResponse,
} from '../../__fixtures__/keycloak';
import {
  notConfiguredError,
  permissionDeniedError,
  upstreamUnavailableError,
} from '../../__testUtils__/responseErrors';
import { renderUsers, usersApi } from './__testUtils__/renderUsers';

// Renders a material-table; the shared CI machine is slow.
jest.setTimeout(90_000);
// findBy/waitFor wait for a render, not for a clock: give a loaded machine time.
configure({ asyncUtilTimeout: 15_000 });

function stat(label: string) {
  return within(screen.getByRole('group', { name: label }));
}

describe('ClusterUsersContent', () => {
  it('shows progress while the realm is being read', async () => {
    const api = usersApi({
      getKeycloakSummary: jest.fn(() => new Promise<never>(() => {})),
      listKeycloakUsers: jest.fn(() => new Promise<never>(() => {})),
    });
    renderUsers(api);

    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Keycloak realm summary',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Loading Keycloak users' }),
    ).toBeInTheDocument();
  });

  it('shows the realm summary and the first page of users', async () => {
    const api = usersApi();
    renderUsers(api);

    expect(await screen.findByText('Realm example-com')).toBeInTheDocument();
    expect(stat('Users').getByText('342')).toBeInTheDocument();
    expect(stat('Email not verified').getByText('27')).toBeInTheDocument();
    expect(
      stat('Email not verified').getByText('8 % of all'),
    ).toBeInTheDocument();
    expect(stat('Disabled').getByText('9')).toBeInTheDocument();
    expect(
      stat('Created in the last 7 days').getByText('12'),
    ).toBeInTheDocument();
    expect(
      stat('Created in the last 30 days').getByText('41'),
    ).toBeInTheDocument();

    expect(
      await screen.findByText('alice.schmidt@example.com'),
    ).toBeInTheDocument();
    const alice = screen.getByText('alice').closest('tr')!;
    expect(within(alice).getByText('Alice Schmidt')).toBeInTheDocument();
    expect(within(alice).getByText('2025-06-17')).toBeInTheDocument();
    expect(within(alice).getByText('Verified')).toBeInTheDocument();
    const dave = screen.getByText('dave').closest('tr')!;
    expect(within(dave).getByText('UPDATE_PASSWORD')).toBeInTheDocument();
    expect(within(dave).getByText('CONFIGURE_TOTP')).toBeInTheDocument();
    const carol = screen.getByText('carol').closest('tr')!;
    expect(within(carol).getByText('Disabled')).toBeInTheDocument();
    expect(screen.getByText('342 matching')).toBeInTheDocument();
    expect(screen.getByText('1-20 of 342')).toBeInTheDocument();

    expect(api.getKeycloakSummary).toHaveBeenCalledWith('dev-eu1');
    expect(api.listKeycloakUsers).toHaveBeenCalledTimes(1);
    expect(api.listKeycloakUsers).toHaveBeenCalledWith('dev-eu1', {
      first: 0,
      max: 20,
    });
  });

  it('renders a 403 from the backend as the same panel, never a raw error', async () => {
    const denied = await permissionDeniedError(
      'coder-platform.keycloak.users.read',
    );
    const api = usersApi({
      getKeycloakSummary: jest.fn(async () => {
        throw denied;
      }),
      listKeycloakUsers: jest.fn(async () => {
        throw denied;
      }),
    });
    renderUsers(api);

    expect(
      await screen.findByText('Keycloak users: permission required'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coder-platform.keycloak.users.read'),
    ).toBeInTheDocument();
    // One panel, not one per request, and no status code or error name.
    await waitFor(() =>
      expect(screen.queryByRole('progressbar')).not.toBeInTheDocument(),
    );
    expect(screen.getAllByText(/permission required/)).toHaveLength(1);
    expect(screen.queryByText(/403/)).not.toBeInTheDocument();
    expect(screen.queryByText(/NotAllowedError/)).not.toBeInTheDocument();
    expect(screen.queryByText('alice')).not.toBeInTheDocument();
  });

  it('says which config key to set when the cluster has no Keycloak', async () => {
    const missing = await notConfiguredError('dev-eu1', 'keycloak');
    const api = usersApi({
      getKeycloakSummary: jest.fn(async () => {
        throw missing;
      }),
      listKeycloakUsers: jest.fn(async () => {
        throw missing;
      }),
    });
    renderUsers(api);

    expect(
      await screen.findByText('Keycloak users: not configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coderPlatform.clusters[].keycloak'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Cluster dev-eu1 has no keycloak configured/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('progressbar')).not.toBeInTheDocument(),
    );
    expect(screen.getAllByText(/not configured/)).toHaveLength(1);
  });

  it('marks stale data with when it was read and the upstream error', async () => {
    const error = {
      upstream: 'keycloak',
      message: 'connect ECONNREFUSED 10.0.0.12:8443',
    };
    const fetchedAt = '2026-11-30T06:00:00.000Z';
    const api = usersApi({
      getKeycloakSummary: jest.fn(async () => ({
        ...keycloakSummaryFixture,
        stale: true,
        fetchedAt,
        error,
      })),
      listKeycloakUsers: jest.fn(async () =>
        keycloakUsersResponse({ stale: true, fetchedAt, error }),
      ),
    });
    renderUsers(api);

    expect(await screen.findByText('Realm example-com')).toBeInTheDocument();
    expect(stat('Users').getByText('342')).toBeInTheDocument();
    expect(
      await screen.findByText('alice.schmidt@example.com'),
    ).toBeInTheDocument();
    const banners = screen.getAllByRole('status');
    expect(banners).toHaveLength(2);
    for (const banner of banners) {
      expect(banner).toHaveTextContent(
        `Showing data from ${new Date(fetchedAt).toLocaleString()}`,
      );
      expect(banner).toHaveTextContent(
        'keycloak failed: connect ECONNREFUSED 10.0.0.12:8443',
      );
    }
  });

  it('shows the backend message when Keycloak is down and nothing is cached', async () => {
    const down = await upstreamUnavailableError('keycloak', 'dev-eu1');
    const api = usersApi({
      getKeycloakSummary: jest.fn(async () => {
        throw down;
      }),
      listKeycloakUsers: jest.fn(async () => {
        throw down;
      }),
    });
    renderUsers(api);

    expect(
      await screen.findByText('Keycloak realm summary: unavailable'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Keycloak users: unavailable'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(
        /keycloak of cluster dev-eu1 is unavailable and nothing is cached/,
      ),
    ).toHaveLength(2);
  });
});
