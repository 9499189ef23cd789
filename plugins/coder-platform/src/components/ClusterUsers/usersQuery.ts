import type { KeycloakUsersQuery } from '../../api';

/** A filter the user can leave open: `any` sends nothing to the backend. */
export type TriState = 'any' | 'yes' | 'no';

/** What the users table's controls hold. */
export interface UsersTableState {
  search: string;
  page: number;
  pageSize: number;
  enabled: TriState;
  emailVerified: TriState;
}

/** Page sizes offered; the backend accepts `max` from 1 to 100. */
export const PAGE_SIZES = [10, 20, 50, 100];

/** The backend's limit on `search`. */
export const SEARCH_MAX_LENGTH = 100;

export const initialUsersTableState: UsersTableState = {
  search: '',
  page: 0,
  pageSize: 20,
  enabled: 'any',
  emailVerified: 'any',
};

function triState(value: TriState): boolean | undefined {
  if (value === 'yes') return true;
  if (value === 'no') return false;
  return undefined;
}

/**
 * The `listKeycloakUsers` query for the table's state: zero-based page to
 * `first`/`max`, an empty search and open filters left out.
 */
export function toUsersQuery(state: UsersTableState): KeycloakUsersQuery {
  const query: KeycloakUsersQuery = {
    first: state.page * state.pageSize,
    max: state.pageSize,
  };
  const search = state.search.trim();
  if (search) query.search = search;
  const enabled = triState(state.enabled);
  if (enabled !== undefined) query.enabled = enabled;
  const emailVerified = triState(state.emailVerified);
  if (emailVerified !== undefined) query.emailVerified = emailVerified;
  return query;
}

/** Keycloak's `createdTimestamp` (epoch ms) as a UTC date, `YYYY-MM-DD`. */
export function formatCreated(createdTimestamp?: number): string {
  if (createdTimestamp === undefined || !Number.isFinite(createdTimestamp)) {
    return '–';
  }
  return new Date(createdTimestamp).toISOString().slice(0, 10);
}
