import { screen } from '@testing-library/react';
import { renderUsers, usersApi } from './__testUtils__/renderUsers';

// usePermission caches answers per permission for the module's lifetime
// (SWR): the denied case runs in a file of its own.
describe('ClusterUsersContent without the users permission', () => {
  it('without the permission names it and requests no users', async () => {
    const api = usersApi();
    renderUsers(api, 'DENY');

    expect(
      await screen.findByText('Keycloak users: permission required'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coder-platform.keycloak.users.read'),
    ).toBeInTheDocument();
    expect(api.getKeycloakSummary).not.toHaveBeenCalled();
    expect(api.listKeycloakUsers).not.toHaveBeenCalled();
    expect(api.getKeycloakUserGroups).not.toHaveBeenCalled();
  });
});
