import type {
  KeycloakSummaryResponse,
  KeycloakUserBrief,
  KeycloakUserGroupsResponse,
  KeycloakUsersResponse,
} from '@coder-platform/plugin-coder-platform-common';

/** When the fixtures were read from Keycloak. */
export const keycloakFetchedAt = '2026-11-30T09:00:00.000Z';

/** Counts of the `example-com` realm of `dev-eu1`: a few hundred workshop users. */
export const keycloakSummaryFixture: KeycloakSummaryResponse = {
  cluster: 'dev-eu1',
  realm: 'example-com',
  total: 342,
  unverified: 27,
  disabled: 9,
  createdLast7Days: 12,
  createdLast30Days: 41,
  evaluatedAt: keycloakFetchedAt,
  fetchedAt: keycloakFetchedAt,
  stale: false,
};

const day = 24 * 3600 * 1000;
const evaluated = Date.parse(keycloakFetchedAt);

/** The first users of the realm, in Keycloak's order (by username). */
export const keycloakUsersFixture: KeycloakUserBrief[] = [
  {
    id: '0b8f3c2e-4d1a-4e6b-9a55-1f2e3d4c5b6a',
    username: 'admin',
    email: 'platform@example.com',
    firstName: 'Platform',
    lastName: 'Admin',
    emailVerified: true,
    enabled: true,
    createdTimestamp: Date.parse('2025-03-04T08:12:45.000Z'),
    requiredActions: [],
  },
  {
    id: '1c9e4d3f-5e2b-4f7c-8b66-2a3f4e5d6c7b',
    username: 'alice',
    email: 'alice.schmidt@example.com',
    firstName: 'Alice',
    lastName: 'Schmidt',
    emailVerified: true,
    enabled: true,
    createdTimestamp: Date.parse('2025-06-17T14:03:10.000Z'),
    requiredActions: [],
  },
  {
    id: '2daf5e40-6f3c-4a8d-9c77-3b4a5f6e7d8c',
    username: 'bob',
    email: 'bob.meyer@example.com',
    firstName: 'Bob',
    lastName: 'Meyer',
    emailVerified: false,
    enabled: true,
    createdTimestamp: evaluated - 3 * day,
    requiredActions: ['VERIFY_EMAIL'],
  },
  {
    id: '3eb06f51-7a4d-4b9e-8d88-4c5b6a7f8e9d',
    username: 'carol',
    email: 'carol.wagner@example.com',
    firstName: 'Carol',
    lastName: 'Wagner',
    emailVerified: true,
    enabled: false,
    createdTimestamp: Date.parse('2025-09-02T10:44:00.000Z'),
    requiredActions: [],
  },
  {
    id: '4fc17062-8b5e-4caf-9e99-5d6c7b8a9f0e',
    username: 'dave',
    email: 'dave.becker@example.com',
    firstName: 'Dave',
    lastName: 'Becker',
    emailVerified: true,
    enabled: true,
    createdTimestamp: Date.parse('2026-01-20T16:21:33.000Z'),
    requiredActions: ['UPDATE_PASSWORD', 'CONFIGURE_TOTP'],
  },
  {
    id: '50d28173-9c6f-4db0-8faa-6e7d8c9b0a1f',
    username: 'erin',
    email: 'erin.hoffmann@example.com',
    firstName: 'Erin',
    lastName: 'Hoffmann',
    emailVerified: true,
    enabled: true,
    createdTimestamp: Date.parse('2026-04-08T09:00:00.000Z'),
    requiredActions: [],
  },
  {
    id: '61e39284-ad70-4ec1-90bb-7f8e9dac1b20',
    username: 'frank',
    email: 'frank.schulz@example.com',
    firstName: 'Frank',
    lastName: 'Schulz',
    emailVerified: false,
    enabled: true,
    createdTimestamp: evaluated - 12 * day,
    requiredActions: ['VERIFY_EMAIL', 'UPDATE_PROFILE'],
  },
  {
    id: '72f4a395-be81-4fd2-a1cc-809faebd2c31',
    username: 'grace',
    email: 'grace.koch@example.com',
    firstName: 'Grace',
    lastName: 'Koch',
    emailVerified: true,
    enabled: true,
    createdTimestamp: Date.parse('2026-07-30T12:15:00.000Z'),
    requiredActions: [],
  },
];

/** `GET /clusters/dev-eu1/keycloak/users` for the first page, no filters. */
export function keycloakUsersResponse(
  overrides: Partial<KeycloakUsersResponse> = {},
): KeycloakUsersResponse {
  return {
    cluster: 'dev-eu1',
    realm: 'example-com',
    first: 0,
    max: 20,
    total: keycloakSummaryFixture.total,
    items: keycloakUsersFixture,
    fetchedAt: keycloakFetchedAt,
    stale: false,
    ...overrides,
  };
}

/** Groups of `alice`. */
export const aliceGroupsFixture: KeycloakUserGroupsResponse = {
  cluster: 'dev-eu1',
  realm: 'example-com',
  userId: '1c9e4d3f-5e2b-4f7c-8b66-2a3f4e5d6c7b',
  items: [
    {
      id: '9a1b2c3d-0000-4000-8000-000000000001',
      name: 'platform-admins',
      path: '/platform-admins',
    },
    {
      id: '9a1b2c3d-0000-4000-8000-000000000002',
      name: 'workshop-2026-11',
      path: '/workshops/workshop-2026-11',
    },
  ],
};
