import KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import type {
  KeycloakGroupBrief,
  KeycloakRealmSummary,
  KeycloakUserBrief,
} from '@coder-platform/plugin-coder-platform-common';
import { CallOptions, gateOf, isAbortError } from '../callOptions';
import {
  createKeycloakAdminClient,
  KeycloakAccess,
} from './createKeycloakAdminClient';

/** Largest page the portal asks Keycloak for. */
export const KEYCLOAK_MAX_PAGE_SIZE = 100;

export interface KeycloakUsersOptions {
  /** Re-authenticate this long before the access token expires. Default 30 s. */
  refreshMarginMs?: number;
  /** Called once per Keycloak admin request (token requests excluded). */
  onRequest?: (operation: string) => void;
  /** Creates the authenticated admin client (tests). */
  connect?: (
    access: KeycloakAccess,
    options?: { signal?: AbortSignal },
  ) => Promise<KeycloakAdminClient>;
}

/** Filters of a users page and of its count. */
export interface KeycloakUsersQuery {
  /** Username, email, first or last name (Keycloak's `search`). */
  search?: string;
  enabled?: boolean;
  emailVerified?: boolean;
  first?: number;
  max?: number;
}

/** A Keycloak admin request that failed: the HTTP status when Keycloak answered. */
export class KeycloakRequestError extends Error {
  readonly name = 'KeycloakRequestError';
  constructor(
    message: string,
    readonly operation: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** What a platform engineer can do about a failed admin request, by status. */
function hint(status: number | undefined): string {
  if (status === 401 || status === 403) {
    return "check that the client's service account has the realm-management roles view-users, query-users and query-groups";
  }
  if (status === 404) return 'the realm or the object does not exist';
  if (status === 400) return 'Keycloak refused a query parameter';
  if (status !== undefined && status >= 500) {
    return 'Keycloak is failing: see its server log';
  }
  return 'check that Keycloak is reachable from the backend (keycloak.baseUrl)';
}

const DAY_MS = 86_400_000;

type RequestOptions = NonNullable<
  NonNullable<
    ConstructorParameters<typeof KeycloakAdminClient>[0]
  >['requestOptions']
>;

/**
 * Reads users of one realm for the portal: pages, one user's groups, and a
 * realm summary made of `users/count` requests only (five requests whatever
 * the realm size). Keycloak's brief representation omits `requiredActions`,
 * so pages are read in full representation and projected; the page size is
 * capped at {@link KEYCLOAK_MAX_PAGE_SIZE}.
 */
export class KeycloakUsers {
  readonly realm: string;
  readonly #access: KeycloakAccess;
  readonly #refreshMarginMs: number;
  readonly #onRequest: (operation: string) => void;
  readonly #connect: NonNullable<KeycloakUsersOptions['connect']>;
  #current?: { client: KeycloakAdminClient; expiresAt: number };
  #pending?: Promise<KeycloakAdminClient>;

  constructor(access: KeycloakAccess, options: KeycloakUsersOptions = {}) {
    this.#access = access;
    this.realm = access.realm;
    this.#refreshMarginMs = options.refreshMarginMs ?? 30_000;
    this.#onRequest = options.onRequest ?? (() => {});
    this.#connect = options.connect ?? createKeycloakAdminClient;
  }

  /**
   * A page of users, optionally matching `search` (username, email, first or
   * last name) and the `enabled` / `emailVerified` filters, with the total
   * count under the same filters.
   */
  async list(
    query: KeycloakUsersQuery,
    options: CallOptions = {},
  ): Promise<{
    total: number;
    items: KeycloakUserBrief[];
  }> {
    const first = Math.max(0, query.first ?? 0);
    const max = Math.min(KEYCLOAK_MAX_PAGE_SIZE, Math.max(1, query.max ?? 20));
    const filters: { enabled?: boolean; emailVerified?: boolean } = {};
    if (query.enabled !== undefined) filters.enabled = query.enabled;
    if (query.emailVerified !== undefined) {
      filters.emailVerified = query.emailVerified;
    }
    const filtered = Object.keys(filters).length > 0;
    // With an attribute filter and no search, Keycloak includes the
    // service-account users in pages and counts; `search=*` matches every
    // regular user and leaves them out, as the unfiltered page does.
    const search = query.search?.trim() || (filtered ? '*' : undefined);
    const [users, total] = await Promise.all([
      this.#call(
        'users.find',
        c =>
          c.users.find({
            first,
            max,
            search,
            briefRepresentation: false,
            ...filters,
          }),
        options,
      ),
      this.#call(
        'users.count',
        c =>
          c.users.count({
            ...(search ? { search } : {}),
            ...filters,
          } as Parameters<KeycloakAdminClient['users']['count']>[0]),
        options,
      ),
    ]);
    return { total: toCount(total), items: users.map(toBrief) };
  }

  /** Groups the user is a direct member of. */
  async groups(
    userId: string,
    options: CallOptions = {},
  ): Promise<KeycloakGroupBrief[]> {
    const groups = await this.#call(
      'users.listGroups',
      c =>
        c.users.listGroups({
          id: userId,
          briefRepresentation: true,
          max: 1000,
        }),
      options,
    );
    return groups.map(g => ({ id: g.id!, name: g.name ?? '', path: g.path }));
  }

  /** Total, unverified, disabled and recently created users: five count requests. */
  async summary(
    now = new Date(),
    options: CallOptions = {},
  ): Promise<KeycloakRealmSummary> {
    // With an attribute filter, Keycloak's count includes service-account
    // users unless a search is given too; `search=*` matches every regular user.
    const count = (
      label: string,
      query: Record<string, string | number | boolean>,
    ) =>
      this.#call(
        `users.count(${label})`,
        c =>
          c.users.count({ search: '*', ...query } as Parameters<
            KeycloakAdminClient['users']['count']
          >[0]),
        options,
      ).then(toCount);
    const [total, unverified, disabled, createdLast7Days, createdLast30Days] =
      await Promise.all([
        count('total', {}),
        count('unverified', { emailVerified: false }),
        count('disabled', { enabled: false }),
        // Keycloak >= 26.6 filters on creation time (epoch milliseconds).
        count('7d', { createdAfter: now.getTime() - 7 * DAY_MS }),
        count('30d', { createdAfter: now.getTime() - 30 * DAY_MS }),
      ]);
    return {
      realm: this.realm,
      total,
      unverified,
      disabled,
      createdLast7Days,
      createdLast30Days,
      evaluatedAt: now.toISOString(),
    };
  }

  /**
   * The authenticated client; concurrent callers share one authentication.
   * The token request goes through the first caller's gate, bounded by its
   * own signal (the gate's), not by any one caller's budget.
   */
  async #client_(options: CallOptions): Promise<KeycloakAdminClient> {
    const current = this.#current;
    if (current && current.expiresAt - this.#refreshMarginMs > Date.now()) {
      return current.client;
    }
    if (!this.#pending) {
      this.#pending = gateOf({ gate: options.gate })('token', signal =>
        this.#connect(this.#access, { signal }),
      )
        .then(client => {
          this.#current = {
            client,
            expiresAt: tokenExpiry(client.accessToken) ?? Date.now() + 60_000,
          };
          return client;
        })
        .finally(() => {
          this.#pending = undefined;
        });
    }
    return this.#pending;
  }

  /** A client for one request: the shared token, this request's signal. */
  #bind(
    client: KeycloakAdminClient,
    signal: AbortSignal | undefined,
  ): KeycloakAdminClient {
    if (!signal) return client;
    // The admin client has no per-request signal; its request options reach
    // fetch as they are (its own `timeout` would replace the signal: unset).
    const bound = new KeycloakAdminClient({
      baseUrl: client.baseUrl,
      realmName: client.realmName,
      requestOptions: { signal } as RequestOptions,
    });
    bound.registerTokenProvider({
      getAccessToken: async () => client.accessToken,
    });
    return bound;
  }

  async #call<T>(
    operation: string,
    fn: (client: KeycloakAdminClient) => Promise<T>,
    options: CallOptions,
  ): Promise<T> {
    const gate = gateOf(options);
    const once = (client: KeycloakAdminClient) =>
      gate(operation, signal => {
        signal?.throwIfAborted();
        this.#onRequest(operation);
        return fn(this.#bind(client, signal));
      });
    const client = await this.#client_(options);
    try {
      return await once(client);
    } catch (error) {
      let failure = error;
      if (statusOf(error) === 401) {
        // Token revoked or expired early: authenticate once more (shared by
        // concurrent callers) and retry once.
        if (this.#current?.client === client) this.#current = undefined;
        try {
          return await once(await this.#client_(options));
        } catch (retryError) {
          failure = retryError;
        }
      }
      if (isAbortError(failure) || options.signal?.aborted) throw failure;
      if (failure instanceof KeycloakRequestError) throw failure;
      const status = statusOf(failure);
      throw new KeycloakRequestError(
        `Keycloak ${operation} in realm "${this.realm}" failed${
          status ? ` (HTTP ${status})` : ''
        }: ${(failure as Error).message}; ${hint(status)}`,
        operation,
        status,
      );
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { response?: { status?: number } }).response?.status;
}

function toCount(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'count' in value) {
    return Number((value as { count: unknown }).count);
  }
  return Number(value);
}

interface UserRepresentationLike {
  id?: string;
  username?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  emailVerified?: boolean;
  enabled?: boolean;
  createdTimestamp?: number;
  requiredActions?: string[];
}

function toBrief(user: UserRepresentationLike): KeycloakUserBrief {
  const brief: KeycloakUserBrief = {
    id: user.id ?? '',
    username: user.username ?? '',
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    emailVerified: Boolean(user.emailVerified),
    enabled: Boolean(user.enabled),
    createdTimestamp: user.createdTimestamp,
    requiredActions: user.requiredActions ?? [],
  };
  for (const key of Object.keys(brief) as (keyof KeycloakUserBrief)[]) {
    if (brief[key] === undefined) delete brief[key];
  }
  return brief;
}

/** `exp` of a JWT in epoch milliseconds, without verifying it (we only schedule a refresh). */
function tokenExpiry(token: string | undefined): number | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const { exp } = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    );
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
