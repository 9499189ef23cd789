import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import type {
  CoderOverviewResponse,
  CoderWorkspacesListResponse,
  HelmReleasesResponse,
  KeycloakSummaryResponse,
  KeycloakUserGroupsResponse,
  KeycloakUsersResponse,
  PostgresBackup,
  PostgresBackupsResponse,
  WorkspaceBackupsResponse,
} from '@coder-platform/plugin-coder-platform-common';
import {
  compareWithPins,
  KeycloakRequestError,
  redact,
} from '@coder-platform/plugin-coder-platform-node';
import { ClusterConfig } from '../config/readClusters';
import { ClusterUpstreams, UpstreamCallCounter } from './ClusterUpstreams';
import { loadCoderOverview } from './loadCoderOverview';
import { loadPostgresBackups, loadWorkspaceBackups } from './loadBackups';
import { ServiceSettings, UpstreamName, ViewName } from './settings';
import { SummaryCache } from './SummaryCache';

const REQUIRED_CONFIG: Record<
  ViewName,
  [string, (c: ClusterConfig) => boolean]
> = {
  coder: ['coder', c => Boolean(c.coder)],
  workspaces: ['coder', c => Boolean(c.coder)],
  keycloakUsers: ['keycloak', c => Boolean(c.keycloak)],
  keycloakSummary: ['keycloak', c => Boolean(c.keycloak)],
  postgresBackups: [
    'backups.postgres',
    c => Boolean(c.backups?.postgres.length),
  ],
  workspaceBackups: ['backups.restic', c => Boolean(c.backups?.restic)],
  releases: ['kubernetes', c => Boolean(c.kubernetes)],
};

/** A 404 naming the missing key when the cluster does not configure what a view reads. */
function requireConfigured(cluster: ClusterConfig, view: ViewName) {
  const [key, has] = REQUIRED_CONFIG[view];
  if (!has(cluster)) {
    throw new NotFoundError(
      `Cluster ${cluster.name} has no ${key} configured (coderPlatform.clusters[].${key})`,
    );
  }
}

/** The pages the routes serve without parameters, refreshed by the scheduler. */
export const DEFAULT_USERS_PAGE = { first: 0, max: 20 } as const;
export const DEFAULT_WORKSPACES_PAGE = { limit: 25, offset: 0 } as const;

type WithoutFreshness<T> = Omit<T, 'fetchedAt' | 'stale' | 'error'>;

/**
 * A cache key part for query parameters. Free text (`search`, `q`) never
 * enters a key as it is: the parameters are hashed, so a key names no
 * search term (keys show up in Redis and logs).
 */
export function queryKey(parts: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify(parts))
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Every read the routes, the actions and the scheduler make: resolves the
 * cluster, calls its upstreams through their limiters, and caches results
 * with last-good fallback.
 */
export class CoderPlatformService {
  readonly #configured: ClusterConfig[];
  #discovered: ClusterConfig[] = [];
  readonly #fingerprints = new Map<string, string>();
  readonly calls = new UpstreamCallCounter();
  readonly #settings: ServiceSettings;
  readonly #summaries: SummaryCache;
  readonly #upstreams = new Map<string, ClusterUpstreams>();
  readonly #logger: LoggerService;
  readonly #now: () => Date;

  constructor(options: {
    clusters: ClusterConfig[];
    settings: ServiceSettings;
    cache: CacheService;
    logger: LoggerService;
    now?: () => Date;
  }) {
    this.#configured = options.clusters;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#summaries = new SummaryCache({
      cache: options.cache,
      logger: options.logger,
      backoffMs: options.settings.backoff.backoffMs,
      maxBackoffMs: options.settings.backoff.maxBackoffMs,
      now: () => this.#now().getTime(),
    });
    for (const cluster of options.clusters) {
      this.#upstreams.set(
        cluster.name,
        new ClusterUpstreams({
          cluster,
          settings: options.settings,
          calls: this.calls,
          logger: options.logger,
        }),
      );
    }
  }

  /** The clusters of `coderPlatform.clusters[]`, then those discovered from the catalog. */
  get clusters(): ClusterConfig[] {
    return [...this.#configured, ...this.#discovered];
  }

  /**
   * Replaces the clusters discovered from the catalog. A configured cluster
   * of the same name wins; an unchanged cluster keeps its clients, limiters
   * and cache, a changed one (e.g. a rotated token) gets new clients.
   */
  setDiscoveredClusters(clusters: ClusterConfig[]): void {
    const configured = new Set(this.#configured.map(c => c.name));
    const next = clusters.filter(c => !configured.has(c.name));
    const names = new Set(next.map(c => c.name));
    for (const old of this.#discovered) {
      if (!names.has(old.name)) {
        this.#upstreams.delete(old.name);
        this.#fingerprints.delete(old.name);
      }
    }
    for (const cluster of next) {
      const fingerprint = createHash('sha256')
        .update(JSON.stringify({ ...cluster, secrets: undefined }))
        .digest('base64url');
      if (this.#fingerprints.get(cluster.name) === fingerprint) continue;
      this.#fingerprints.set(cluster.name, fingerprint);
      this.#upstreams.set(
        cluster.name,
        new ClusterUpstreams({
          cluster,
          settings: this.#settings,
          calls: this.calls,
          logger: this.#logger,
        }),
      );
    }
    this.#discovered = next.map(c => this.#upstreams.get(c.name)!.cluster);
  }

  /** The cluster's upstreams, or a 404 naming the cluster. */
  upstreams(name: string): ClusterUpstreams {
    const upstreams = this.#upstreams.get(name);
    if (!upstreams) {
      throw new NotFoundError(
        `No cluster named "${name}" is configured (coderPlatform.clusters[].name) or discovered from a coder-cluster Resource of the catalog`,
      );
    }
    return upstreams;
  }

  async #cached<T>(
    name: string,
    view: ViewName,
    upstream: UpstreamName,
    load: (u: ClusterUpstreams, previous: T | undefined) => Promise<T>,
    options: { suffix?: string; refresh?: boolean; keepMs?: number } = {},
  ): Promise<
    T & {
      fetchedAt: string;
      stale: boolean;
      error?: { upstream: string; message: string };
    }
  > {
    const u = this.upstreams(name);
    requireConfigured(u.cluster, view);
    const key = `coder-platform:v1:${name}:${view}${
      options.suffix ? `:${options.suffix}` : ''
    }`;
    const result = await this.#summaries.get<T>({
      key,
      upstream,
      cluster: name,
      maxAgeMs: this.#settings.maxAgeMs[view],
      refresh: options.refresh,
      load: previous => load(u, previous),
      secrets: u.cluster.secrets,
      keepMs: options.keepMs,
    });
    return { ...result.data, ...result.freshness };
  }

  // ----------------------------------------------------------------- Coder

  coderOverview(
    name: string,
    options: { refresh?: boolean } = {},
  ): Promise<CoderOverviewResponse> {
    return this.#cached<WithoutFreshness<CoderOverviewResponse>>(
      name,
      'coder',
      'coder',
      u => loadCoderOverview(u, name),
      options,
    );
  }

  workspaces(
    name: string,
    query: { q?: string; limit: number; offset: number },
    options: { refresh?: boolean } = {},
  ): Promise<CoderWorkspacesListResponse> {
    return this.#cached<WithoutFreshness<CoderWorkspacesListResponse>>(
      name,
      'workspaces',
      'coder',
      async u => {
        const response = await u.limiters.coder.run('coder', signal =>
          u.coder().getWorkspaces({
            q: query.q,
            limit: query.limit,
            offset: query.offset,
            signal,
          }),
        );
        return {
          cluster: name,
          q: query.q,
          limit: query.limit,
          offset: query.offset,
          count: response.count,
          items: response.workspaces.map(w => ({
            id: w.id,
            name: w.name,
            owner: w.owner_name,
            template: w.template_name,
            templateDisplayName: w.template_display_name,
            organization: w.organization_name,
            status: w.latest_build.status,
            transition: w.latest_build.transition,
            outdated: w.outdated,
            healthy: w.health?.healthy,
            lastUsedAt: w.last_used_at,
            buildNumber: w.latest_build.build_number,
          })),
        };
      },
      {
        suffix: queryKey([query.q ?? '', query.limit, query.offset]),
        // A searched page is kept briefly: no search term lingers for days.
        keepMs: query.q ? this.#settings.searchKeepMs : undefined,
        refresh: options.refresh,
      },
    );
  }

  // -------------------------------------------------------------- Keycloak

  async keycloakUsers(
    name: string,
    query: {
      search?: string;
      first: number;
      max: number;
      enabled?: boolean;
      emailVerified?: boolean;
    },
    options: { refresh?: boolean } = {},
  ): Promise<KeycloakUsersResponse> {
    const result = await this.#cached<WithoutFreshness<KeycloakUsersResponse>>(
      name,
      'keycloakUsers',
      'keycloak',
      async u => {
        const page = await u.limiters.keycloak.call('keycloak', call =>
          u.keycloak().list(query, call),
        );
        const response: WithoutFreshness<KeycloakUsersResponse> = {
          cluster: name,
          realm: u.cluster.keycloak!.realm,
          first: query.first,
          max: query.max,
          search: query.search,
          total: page.total,
          items: page.items,
        };
        if (query.enabled !== undefined) response.enabled = query.enabled;
        if (query.emailVerified !== undefined) {
          response.emailVerified = query.emailVerified;
        }
        return response;
      },
      {
        suffix: queryKey([
          query.search ?? '',
          query.first,
          query.max,
          query.enabled ?? null,
          query.emailVerified ?? null,
        ]),
        // A searched page is kept briefly: no search term lingers for days.
        keepMs: query.search ? this.#settings.searchKeepMs : undefined,
        refresh: options.refresh,
      },
    );
    return result;
  }

  /**
   * One user's groups, read on demand (not cached): a 404 naming the user
   * when Keycloak does not know the id, a 503 with an actionable (redacted)
   * message when Keycloak fails.
   */
  async keycloakUserGroups(
    name: string,
    userId: string,
  ): Promise<KeycloakUserGroupsResponse> {
    const u = this.upstreams(name);
    requireConfigured(u.cluster, 'keycloakUsers');
    const realm = u.cluster.keycloak!.realm;
    try {
      const items = await u.limiters.keycloak.call('keycloak', call =>
        u.keycloak().groups(userId, call),
      );
      return { cluster: name, realm, userId, items };
    } catch (error) {
      if (error instanceof KeycloakRequestError && error.status === 404) {
        throw new NotFoundError(
          `No user with id "${userId}" in realm "${realm}" of cluster ${name}`,
        );
      }
      const message = redact(
        (error as Error).message ?? String(error),
        u.cluster.secrets,
      );
      this.#logger.warn(
        `keycloak groups of a user in cluster ${name} failed: ${message}`,
      );
      throw new ServiceUnavailableError(
        `keycloak of cluster ${name} could not list the groups of user "${userId}": ${message}`,
      );
    }
  }

  keycloakSummary(
    name: string,
    options: { refresh?: boolean } = {},
  ): Promise<KeycloakSummaryResponse> {
    return this.#cached<WithoutFreshness<KeycloakSummaryResponse>>(
      name,
      'keycloakSummary',
      'keycloak',
      async u => ({
        cluster: name,
        ...(await u.limiters.keycloak.call('keycloak', call =>
          u.keycloak().summary(this.#now(), call),
        )),
      }),
      options,
    );
  }

  // --------------------------------------------------------------- backups

  postgresBackups(
    name: string,
    options: { refresh?: boolean } = {},
  ): Promise<PostgresBackupsResponse> {
    return this.#cached<WithoutFreshness<PostgresBackupsResponse>>(
      name,
      'postgresBackups',
      'gcs',
      (u, previous) =>
        loadPostgresBackups(u, name, previous, {
          now: this.#now(),
          thresholds: this.#settings.thresholds,
        }),
      options,
    );
  }

  workspaceBackups(
    name: string,
    options: { refresh?: boolean } = {},
  ): Promise<WorkspaceBackupsResponse> {
    return this.#cached<WithoutFreshness<WorkspaceBackupsResponse>>(
      name,
      'workspaceBackups',
      'restic',
      u => loadWorkspaceBackups(u, name, this.#now()),
      options,
    );
  }

  // -------------------------------------------------------------- releases

  releases(
    name: string,
    options: { refresh?: boolean } = {},
  ): Promise<HelmReleasesResponse> {
    return this.#cached<WithoutFreshness<HelmReleasesResponse>>(
      name,
      'releases',
      'kubernetes',
      async u => {
        const helm = await u.helm();
        const installed = await u.limiters.kubernetes.call('kubernetes', call =>
          helm.list(call),
        );
        const items = compareWithPins(installed, u.cluster.pinnedReleases);
        return {
          cluster: name,
          items,
          driftCount: items.filter(
            i => i.drift === 'drift' || i.drift === 'missing',
          ).length,
        };
      },
      options,
    );
  }

  // ------------------------------------------------------------- scheduler

  /** Refreshes every configured view of every cluster; failures are logged, never thrown. */
  async refreshAll(): Promise<void> {
    for (const cluster of this.clusters) {
      const jobs: [string, () => Promise<unknown>][] = [];
      if (cluster.coder) {
        jobs.push([
          'coder',
          () => this.coderOverview(cluster.name, { refresh: true }),
        ]);
        jobs.push([
          'workspaces',
          () =>
            this.workspaces(
              cluster.name,
              { ...DEFAULT_WORKSPACES_PAGE },
              { refresh: true },
            ),
        ]);
      }
      if (cluster.keycloak) {
        jobs.push([
          'keycloak',
          () => this.keycloakSummary(cluster.name, { refresh: true }),
        ]);
        // The first users page, as the Users tab opens it: never a cold read.
        jobs.push([
          'keycloak users',
          () =>
            this.keycloakUsers(
              cluster.name,
              { ...DEFAULT_USERS_PAGE },
              { refresh: true },
            ),
        ]);
      }
      if (cluster.backups?.postgres.length) {
        jobs.push([
          'postgres backups',
          () => this.postgresBackups(cluster.name, { refresh: true }),
        ]);
      }
      if (cluster.backups?.restic) {
        jobs.push([
          'workspace backups',
          () => this.workspaceBackups(cluster.name, { refresh: true }),
        ]);
      }
      if (cluster.kubernetes)
        jobs.push([
          'releases',
          () => this.releases(cluster.name, { refresh: true }),
        ]);
      const results = await Promise.allSettled(jobs.map(([, job]) => job()));
      results.forEach((result, index) => {
        if (result.status === 'rejected') {
          this.#logger.warn(
            `refresh of ${jobs[index][0]} for cluster ${
              cluster.name
            } failed: ${redact(
              String(result.reason?.message ?? result.reason),
              cluster.secrets,
            )}`,
          );
        }
      });
    }
  }
}

export type { PostgresBackup };
