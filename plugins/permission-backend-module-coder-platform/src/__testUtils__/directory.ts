import {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';

/** Users of the tests and the ownership refs their sign-in carries. */
export const directory: Record<string, string[]> = {
  // member of the configured admin group (as Keycloak-synced groups appear)
  'user:default/alice': ['user:default/alice', 'group:default/platform-admins'],
  // named in adminUsers, no admin group: the local guest
  'user:development/guest': ['user:development/guest'],
  // a developer
  'user:default/bob': ['user:default/bob', 'group:default/developers'],
};

export const ADMIN_GROUP_MEMBER = 'user:default/alice';
export const ADMIN_USER = 'user:development/guest';
export const DEVELOPER = 'user:default/bob';

/** A UserInfoService answering from {@link directory}, as the auth backend's tokens would. */
export function directoryUserInfo(): UserInfoService {
  return {
    async getUserInfo(credentials: BackstageCredentials) {
      const principal = credentials.principal as BackstageUserPrincipal;
      const ownershipEntityRefs = directory[principal.userEntityRef];
      if (!ownershipEntityRefs) {
        throw new Error(`unknown test user ${principal.userEntityRef}`);
      }
      return { userEntityRef: principal.userEntityRef, ownershipEntityRefs };
    },
  };
}
