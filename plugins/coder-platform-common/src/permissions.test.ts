import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  coderPlatformKeycloakUsersReadPermission,
  coderPlatformPermissions,
} from './permissions';

describe('coderPlatformPermissions', () => {
  it('has unique names in the plugin namespace', () => {
    const names = coderPlatformPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^coder-platform\.[a-z.]+\.read$/);
    }
  });

  it('names the users permission as the issue and docs promise', () => {
    expect(coderPlatformKeycloakUsersReadPermission.name).toBe(
      'coder-platform.keycloak.users.read',
    );
    expect(isResourcePermission(coderPlatformKeycloakUsersReadPermission)).toBe(
      false,
    );
  });
});
