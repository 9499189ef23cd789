import type { Freshness } from './backups';

/** A Keycloak user as the portal shows it: no attributes, no credentials. */
export interface KeycloakUserBrief {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  emailVerified: boolean;
  enabled: boolean;
  /** Epoch milliseconds. */
  createdTimestamp?: number;
  requiredActions: string[];
}

/** Response of `GET /clusters/:name/keycloak/users`. */
export interface KeycloakUsersResponse extends Freshness {
  cluster: string;
  realm: string;
  first: number;
  max: number;
  search?: string;
  /** Filter on `enabled`, when given. */
  enabled?: boolean;
  /** Filter on `emailVerified`, when given. */
  emailVerified?: boolean;
  /** Users matching `search` and the filters (or all users) in the realm. */
  total: number;
  items: KeycloakUserBrief[];
}

export interface KeycloakGroupBrief {
  id: string;
  name: string;
  path?: string;
}

/** Response of `GET /clusters/:name/keycloak/users/:id/groups`. */
export interface KeycloakUserGroupsResponse {
  cluster: string;
  realm: string;
  userId: string;
  items: KeycloakGroupBrief[];
}

/** Counts for a realm, each from one `users/count` request. */
export interface KeycloakRealmSummary {
  realm: string;
  total: number;
  /** `emailVerified=false`. */
  unverified: number;
  /** `enabled=false`. */
  disabled: number;
  createdLast7Days: number;
  createdLast30Days: number;
  evaluatedAt: string;
}

/** Response of `GET /clusters/:name/keycloak/summary`. */
export interface KeycloakSummaryResponse
  extends KeycloakRealmSummary,
    Freshness {
  cluster: string;
}
