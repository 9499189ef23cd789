import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import type { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CoderPlatformApi, coderPlatformApiRef } from '../../../api';
import {
  aliceGroupsFixture,
  keycloakSummaryFixture,
  keycloakUsersResponse,
} from '../../../__fixtures__/keycloak';
import { ClusterUsersContent } from '../ClusterUsersContent';

type UsersRoutes = Pick<
  CoderPlatformApi,
  'getKeycloakSummary' | 'listKeycloakUsers' | 'getKeycloakUserGroups'
>;

/** The Keycloak routes of the API as jest mocks, typed loosely so tests can make them fail or hang. */
export type UsersApiMock = {
  [K in keyof UsersRoutes]: jest.Mock<
    Promise<Awaited<ReturnType<UsersRoutes[K]>>>,
    any
  >;
};

/** The three Keycloak routes, answering with the fixtures unless overridden. */
export function usersApi(overrides: Partial<UsersApiMock> = {}): UsersApiMock {
  return {
    getKeycloakSummary: jest.fn(async () => keycloakSummaryFixture),
    listKeycloakUsers: jest.fn(async (_cluster, query) =>
      keycloakUsersResponse({ first: query?.first, max: query?.max }),
    ),
    getKeycloakUserGroups: jest.fn(async () => aliceGroupsFixture),
    ...overrides,
  };
}

/** Renders the Users tab of `dev-eu1` with the permission allowed or denied. */
export function renderUsers(
  api: UsersApiMock,
  permission: 'ALLOW' | 'DENY' = 'ALLOW',
) {
  return renderInTestApp(<ClusterUsersContent cluster="dev-eu1" />, {
    apis: [
      [coderPlatformApiRef, api],
      mockApis.permission({
        authorize: permission as AuthorizeResult.ALLOW | AuthorizeResult.DENY,
      }),
    ],
  });
}
