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
  PostgresBackupStatus,
  WorkspaceBackupsResponse,
} from '@coder-platform/plugin-coder-platform-common';
import {
  compareWithPins,
  deltaChains,
  KeycloakRequestError,
  redact,
  RequestGate,
} from '@coder-platform/plugin-coder-platform-node';
import { evaluatePostgresBackups, worst } from '../backups/postgresHealth';
import { summarizeHealth } from './coderHealth';
import { ClusterConfig } from '../config/readClusters';
import { ClusterUpstreams, UpstreamCallCounter } from './ClusterUpstreams';
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
  readonly clusters: ClusterConfig[];
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
    this.clusters = options.clusters;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#summaries = new SummaryCache({
      cache: options.cache,
      logger: options.logger,
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

  /** The cluster's upstreams, or a 404 naming the cluster. */
  upstreams(name: string): ClusterUpstreams {
    const upstreams = this.#upstreams.get(name);
    if (!upstreams) {
      throw new NotFoundError(
        `No cluster named "${name}" is configured (coderPlatform.clusters[].name)`,
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
      async u => {
        const client = u.coder();
        const run = <T>(fn: (signal: AbortSignal) => Promise<T>) =>
          u.limiters.coder.run('coder', fn);
        const org = u.cluster.coder!.organization;
        const unavailable: { section: string; message: string }[] = [];
        const optional = async <T>(
          section: string,
          fn: (signal: AbortSignal) => Promise<T>,
        ) => {
          try {
            return await run(fn);
          } catch (error) {
            unavailable.push({
              section,
              message: redact((error as Error).message, u.cluster.secrets),
            });
            return undefined;
          }
        };
        // Build info decides whether Coder is reachable at all; the rest may be refused per role.
        const [buildInfo, health, stats, templates, provisioners] =
          await Promise.all([
            run(signal => client.getBuildInfo(signal)),
            optional('health', signal => client.getHealth({ signal })),
            optional('stats', signal => client.getDeploymentStats(signal)),
            optional('templates', signal =>
              client.getTemplates({ organization: org, signal }),
            ),
            optional('provisioners', signal =>
              client.getProvisionerDaemons(org, { signal }),
            ),
          ]);
        return {
          cluster: name,
          buildInfo: {
            version: buildInfo.version,
            dashboardUrl: buildInfo.dashboard_url,
            externalUrl: buildInfo.external_url,
            upgradeMessage: buildInfo.upgrade_message || undefined,
          },
          health: health && summarizeHealth(health),
          stats: stats && {
            collectedAt: stats.collected_at,
            workspaces: {
              pending: stats.workspaces.pending,
              building: stats.workspaces.building,
              running: stats.workspaces.running,
              failed: stats.workspaces.failed,
              stopped: stats.workspaces.stopped,
            },
            sessions: {
              vscode: stats.session_count.vscode,
              ssh: stats.session_count.ssh,
              jetbrains: stats.session_count.jetbrains,
              reconnectingPty: stats.session_count.reconnecting_pty,
            },
            connectionLatencyMs: stats.workspaces.connection_latency_ms,
          },
          templates: (templates ?? []).map(t => ({
            name: t.name,
            displayName: t.display_name || t.name,
            organization: t.organization_name,
            activeUserCount: t.active_user_count,
            buildTimeStats: t.build_time_stats ?? {},
            deprecated: t.deprecated,
            deprecationMessage: t.deprecation_message || undefined,
            updatedAt: t.updated_at,
          })),
          provisioners: (provisioners ?? []).map(p => ({
            name: p.name,
            status: p.status ?? 'unknown',
            version: p.version,
            lastSeenAt: p.last_seen_at,
            provisioners: p.provisioners,
            tags: p.tags,
            currentJob: p.current_job
              ? {
                  status: p.current_job.status,
                  template: p.current_job.template_name,
                }
              : undefined,
          })),
          unavailable,
        };
      },
      options,
    );
  }

  workspaces(
    name: string,
    query: { q?: string; limit: number; offset: number },
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
      async (u, previous) => {
        const config = u.cluster.backups!;
        const walg = u.walg();
        const items: PostgresBackupStatus[] = [];
        for (const pg of config.postgres) {
          const before = previous?.items.find(
            i => i.name === pg.name && i.location.endsWith(pg.prefix),
          );
          // Sentinels and metadata.json never change once written: the
          // previous view's backups (and unreadable ones) are not read again,
          // so a steady refresh costs one listing plus the new objects.
          const {
            backups: list,
            unreadable,
            wal,
          } = await u.limiters.gcs.call('gcs', async call => {
            const read = await walg.readBackups(pg.prefix, {
              ...call,
              known: before?.backups,
              unreadable: before?.unreadable,
            });
            const latest = read.backups[read.backups.length - 1];
            // Start the WAL search at the newer of the latest backup and the last newest segment seen.
            const from = [latest?.startSegment, before?.wal.newestSegment]
              .filter((s): s is string => Boolean(s))
              .sort()
              .pop();
            const found = await walg.findNewestWal(pg.prefix, {
              ...call,
              fromSegment: from,
              now: this.#now(),
            });
            return { ...read, wal: found };
          });
          items.push(
            evaluatePostgresBackups({
              name: pg.name,
              location: `gs://${config.bucket}/${pg.prefix.replace(
                /^\/+|\/+$/g,
                '',
              )}`,
              schedule: pg.schedule,
              retain: pg.retain,
              backups: list,
              chains: deltaChains(list),
              wal,
              now: this.#now(),
              thresholds: this.#settings.thresholds,
              unreadable: unreadable.map(b => ({
                ...b,
                reason: redact(b.reason, u.cluster.secrets),
              })),
            }),
          );
        }
        return {
          cluster: name,
          items,
          health: worst(items.map(i => i.health)),
        };
      },
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
      async u => {
        const restic = await u.restic();
        const items = await u.limiters.restic.call('restic', call => {
          // The repository listing is a GCS request: it takes a GCS slot.
          const gcs = u.limiters.gcs.gateFor('gcs', call.signal);
          const gate: RequestGate = (operation, request) =>
            operation.startsWith('gcs')
              ? gcs(operation, request)
              : call.gate(operation, request);
          return restic.list(this.#now(), { signal: call.signal, gate });
        });
        return {
          cluster: name,
          location: `gs://${
            u.cluster.backups!.bucket
          }/${u.cluster.backups!.restic!.prefix.replace(
            /^\/+|\/+$/g,
            '',
          )}/<workspace>`,
          items: items.map(i =>
            i.error ? { ...i, error: redact(i.error, u.cluster.secrets) } : i,
          ),
        };
      },
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
      if (cluster.coder)
        jobs.push([
          'coder',
          () => this.coderOverview(cluster.name, { refresh: true }),
        ]);
      if (cluster.keycloak)
        jobs.push([
          'keycloak',
          () => this.keycloakSummary(cluster.name, { refresh: true }),
        ]);
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
