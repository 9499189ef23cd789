import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aliceGroupsFixture,
  keycloakUsersFixture,
  keycloakUsersResponse,
} from '../../__fixtures__/keycloak';
import { permissionDeniedError } from '../../__testUtils__/responseErrors';
import { wholeCell, wordsCell } from '../shared';
import { renderUsers, usersApi } from './__testUtils__/renderUsers';

const alice = keycloakUsersFixture[1];

// Each test renders the material-table several times; the shared CI machine is slow.
jest.setTimeout(90_000);
// findBy/waitFor wait for a render, not for a clock: give a loaded machine time.
configure({ asyncUtilTimeout: 15_000 });

function lastUsersQuery(api: ReturnType<typeof usersApi>) {
  const calls = api.listKeycloakUsers.mock.calls;
  return calls[calls.length - 1];
}

describe('UsersTable', () => {
  it('sends the verified and enabled filters to the backend, back on page one', async () => {
    const api = usersApi();
    renderUsers(api);
    await screen.findByText('alice.schmidt@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(lastUsersQuery(api)).toEqual(['dev-eu1', { first: 20, max: 20 }]),
    );

    await userEvent.selectOptions(
      screen.getByLabelText('Email verified'),
      'Not verified',
    );
    await waitFor(() =>
      expect(lastUsersQuery(api)).toEqual([
        'dev-eu1',
        { first: 0, max: 20, emailVerified: false },
      ]),
    );

    await userEvent.selectOptions(screen.getByLabelText('Enabled'), 'Enabled');
    await waitFor(() =>
      expect(lastUsersQuery(api)).toEqual([
        'dev-eu1',
        { first: 0, max: 20, emailVerified: false, enabled: true },
      ]),
    );

    await userEvent.selectOptions(
      screen.getByLabelText('Email verified'),
      'Any',
    );
    await waitFor(() =>
      expect(lastUsersQuery(api)).toEqual([
        'dev-eu1',
        { first: 0, max: 20, enabled: true },
      ]),
    );
  });

  it('keeps e-mail addresses, usernames and dates whole; headers wrap at spaces only', async () => {
    renderUsers(usersApi());
    const email = await screen.findByText('alice.schmidt@example.com');
    const table = email.closest('table')!;
    const [head, ...body] = within(table).getAllByRole('row');
    // Backstage's theme lets every table cell break anywhere: this split
    // "user00000@example.com" into "user00000@exa mple.com".
    for (const name of ['Username', 'Email', 'Email verified', 'Created']) {
      expect(within(head).getByRole('columnheader', { name })).toHaveStyle({
        wordBreak: 'normal',
        overflowWrap: 'normal',
      });
    }
    expect(body).toHaveLength(keycloakUsersFixture.length);
    for (const [index, row] of body.entries()) {
      const [username, address, , , created] = within(row).getAllByRole('cell');
      expect(address).toHaveTextContent(keycloakUsersFixture[index].email!);
      for (const cell of [username, address, created]) {
        expect(cell).toHaveStyle({ whiteSpace: 'nowrap', wordBreak: 'normal' });
      }
      // Only the highlighted username is bold.
      expect(username).toHaveStyle({ fontWeight: 700 });
      expect(address).not.toHaveStyle({ fontWeight: 700 });
      expect(created).not.toHaveStyle({ fontWeight: 700 });
    }
    // Backstage's Table writes bold and a header colour into the style
    // objects of a highlighted column; the shared ones stay as they were.
    expect(wholeCell).toEqual({ whiteSpace: 'nowrap', wordBreak: 'normal' });
    expect(wordsCell).toEqual({ wordBreak: 'normal', overflowWrap: 'normal' });
  });

  it('sends the search to the backend once typing pauses', async () => {
    const api = usersApi({
      listKeycloakUsers: jest.fn(async (_cluster, query) =>
        query?.search
          ? keycloakUsersResponse({
              search: query.search,
              total: 1,
              items: [alice],
            })
          : keycloakUsersResponse(),
      ),
    });
    renderUsers(api);
    await screen.findByText('alice.schmidt@example.com');

    await userEvent.type(screen.getByLabelText('Search users'), '  schmidt ');
    await waitFor(() =>
      expect(lastUsersQuery(api)).toEqual([
        'dev-eu1',
        { first: 0, max: 20, search: 'schmidt' },
      ]),
    );
    expect(await screen.findByText('1 matching')).toBeInTheDocument();
    expect(screen.getByText('1-1 of 1')).toBeInTheDocument();
    expect(screen.queryByText('bob')).not.toBeInTheDocument();
  });

  it('pages through the realm with first and max', async () => {
    const api = usersApi();
    renderUsers(api);
    await screen.findByText('1-20 of 342');

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('21-40 of 342')).toBeInTheDocument();
    expect(lastUsersQuery(api)).toEqual(['dev-eu1', { first: 20, max: 20 }]);

    // The rows-per-page select of MUI's TablePagination is a menu button.
    await userEvent.click(
      screen.getByRole('button', { name: /Rows per page/ }),
    );
    await userEvent.click(await screen.findByRole('option', { name: '50' }));
    expect(await screen.findByText('1-50 of 342')).toBeInTheDocument();
    expect(lastUsersQuery(api)).toEqual(['dev-eu1', { first: 0, max: 50 }]);

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(lastUsersQuery(api)).toEqual(['dev-eu1', { first: 50, max: 50 }]),
    );
  });

  it('loads groups only for the user whose groups are asked for', async () => {
    const api = usersApi();
    renderUsers(api);
    await screen.findByText('alice.schmidt@example.com');
    expect(api.getKeycloakUserGroups).not.toHaveBeenCalled();
    expect(
      screen.getAllByRole('button', { name: /^Show groups of / }),
    ).toHaveLength(keycloakUsersFixture.length);

    await userEvent.click(
      screen.getByRole('button', { name: 'Show groups of alice' }),
    );
    const groups = await screen.findByRole('list', { name: 'Groups of alice' });
    expect(
      within(groups)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(aliceGroupsFixture.items.map(g => g.path));
    expect(api.getKeycloakUserGroups).toHaveBeenCalledTimes(1);
    expect(api.getKeycloakUserGroups).toHaveBeenCalledWith('dev-eu1', alice.id);
    expect(
      screen.getByRole('button', { name: 'Show groups of bob' }),
    ).toBeInTheDocument();
  });

  it('says so when a user has no groups, and names the permission when groups are refused', async () => {
    const api = usersApi({
      getKeycloakUserGroups: jest
        .fn()
        .mockResolvedValueOnce({ ...aliceGroupsFixture, items: [] })
        .mockRejectedValueOnce(
          await permissionDeniedError('coder-platform.keycloak.users.read'),
        ),
    });
    renderUsers(api);
    await screen.findByText('alice.schmidt@example.com');

    await userEvent.click(
      screen.getByRole('button', { name: 'Show groups of alice' }),
    );
    expect(await screen.findByText('No groups')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Show groups of bob' }),
    );
    expect(
      await screen.findByText(
        /Groups need the permission coder-platform.keycloak.users.read/,
      ),
    ).toBeInTheDocument();
  });

  it('starts groups over for a row that shows another user on the next page', async () => {
    const secondPage = keycloakUsersFixture.map((user, i) => ({
      ...user,
      id: `${user.id.slice(0, -2)}9${i}`,
      username: `${user.username}-2`,
      email: undefined,
    }));
    const api = usersApi({
      listKeycloakUsers: jest.fn(async (_cluster, query) =>
        keycloakUsersResponse({
          first: query?.first,
          items: query?.first ? secondPage : keycloakUsersFixture,
        }),
      ),
    });
    renderUsers(api);
    await screen.findByText('alice.schmidt@example.com');
    await userEvent.click(
      screen.getByRole('button', { name: 'Show groups of alice' }),
    );
    await screen.findByRole('list', { name: 'Groups of alice' });

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(
      await screen.findByRole('button', { name: 'Show groups of alice-2' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
    expect(api.getKeycloakUserGroups).toHaveBeenCalledTimes(1);
  });
});
