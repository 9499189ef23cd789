import { Config } from '@backstage/config';
import {
  DEFAULT_THRESHOLDS,
  HealthThresholds,
} from '../backups/postgresHealth';

export type UpstreamName =
  | 'coder'
  | 'keycloak'
  | 'gcs'
  | 'kubernetes'
  | 'restic';

export type ViewName =
  | 'coder'
  | 'workspaces'
  | 'keycloakUsers'
  | 'keycloakSummary'
  | 'postgresBackups'
  | 'workspaceBackups'
  | 'releases';

export interface ServiceSettings {
  /** How long a cached view is served without asking the upstream. */
  maxAgeMs: Record<ViewName, number>;
  /**
   * How long a searched page (users `search`, workspaces `q`) is kept, also
   * for stale answers; other views are kept 7 days. Default 10 min.
   */
  searchKeepMs: number;
  /**
   * Back-off of a failing upstream, shared by every replica through the
   * cache store: first wait (doubling per failure in a row) and longest wait.
   */
  backoff: { backoffMs: number; maxBackoffMs: number };
  /** Concurrency and time budget per upstream and cluster. */
  limits: Record<UpstreamName, { concurrency: number; timeoutMs: number }>;
  refresh: {
    frequencyMinutes: number;
    timeoutMinutes: number;
    enabled: boolean;
  };
  thresholds: HealthThresholds;
  restic: { binary: string; cacheDir?: string };
}

const DEFAULT_MAX_AGE_SECONDS: Record<ViewName, number> = {
  coder: 60,
  workspaces: 30,
  keycloakUsers: 60,
  keycloakSummary: 300,
  postgresBackups: 300,
  workspaceBackups: 900,
  releases: 300,
};

const DEFAULT_LIMITS: Record<
  UpstreamName,
  { concurrency: number; timeoutSeconds: number }
> = {
  coder: { concurrency: 4, timeoutSeconds: 15 },
  // Keycloak has been taken down by Backstage plugins before: keep it low.
  keycloak: { concurrency: 2, timeoutSeconds: 15 },
  gcs: { concurrency: 4, timeoutSeconds: 30 },
  kubernetes: { concurrency: 2, timeoutSeconds: 20 },
  restic: { concurrency: 1, timeoutSeconds: 300 },
};

/** `cache.backoffSeconds` and `cache.maxBackoffSeconds`, checked. */
function readBackoff(c: Config | undefined): ServiceSettings['backoff'] {
  const first = c?.getOptionalNumber('cache.backoffSeconds') ?? 5;
  const longest = c?.getOptionalNumber('cache.maxBackoffSeconds') ?? 300;
  if (!(first > 0)) {
    throw new Error(
      `coderPlatform.cache.backoffSeconds must be a number of seconds above 0, got ${first}`,
    );
  }
  if (!(longest >= first)) {
    throw new Error(
      `coderPlatform.cache.maxBackoffSeconds must be at least coderPlatform.cache.backoffSeconds (${first}), got ${longest}`,
    );
  }
  return { backoffMs: first * 1000, maxBackoffMs: longest * 1000 };
}

/** Reads `coderPlatform.{cache,upstreams,refresh,thresholds,restic}` with defaults. */
export function readSettings(root: Config): ServiceSettings {
  const c = root.getOptionalConfig('coderPlatform');
  const maxAgeMs = Object.fromEntries(
    Object.entries(DEFAULT_MAX_AGE_SECONDS).map(([view, seconds]) => [
      view,
      (c?.getOptionalNumber(`cache.maxAgeSeconds.${view}`) ?? seconds) * 1000,
    ]),
  ) as Record<ViewName, number>;
  const limits = Object.fromEntries(
    Object.entries(DEFAULT_LIMITS).map(([name, d]) => [
      name,
      {
        concurrency: Math.max(
          1,
          c?.getOptionalNumber(`upstreams.${name}.concurrency`) ??
            d.concurrency,
        ),
        timeoutMs:
          (c?.getOptionalNumber(`upstreams.${name}.timeoutSeconds`) ??
            d.timeoutSeconds) * 1000,
      },
    ]),
  ) as Record<UpstreamName, { concurrency: number; timeoutMs: number }>;
  const minutes = (key: string, fallbackSeconds: number) => {
    const value = c?.getOptionalNumber(key);
    return value === undefined ? fallbackSeconds : value * 60;
  };
  return {
    maxAgeMs,
    searchKeepMs:
      Math.max(1, c?.getOptionalNumber('cache.searchKeepSeconds') ?? 600) *
      1000,
    backoff: readBackoff(c),
    limits,
    refresh: {
      enabled: c?.getOptionalBoolean('refresh.enabled') ?? true,
      frequencyMinutes: c?.getOptionalNumber('refresh.frequencyMinutes') ?? 5,
      timeoutMinutes: c?.getOptionalNumber('refresh.timeoutMinutes') ?? 10,
    },
    thresholds: {
      backupGraceSeconds: minutes(
        'thresholds.backupGraceMinutes',
        DEFAULT_THRESHOLDS.backupGraceSeconds,
      ),
      walLagWarningSeconds: minutes(
        'thresholds.walLagWarningMinutes',
        DEFAULT_THRESHOLDS.walLagWarningSeconds,
      ),
      walLagCriticalSeconds: minutes(
        'thresholds.walLagCriticalMinutes',
        DEFAULT_THRESHOLDS.walLagCriticalSeconds,
      ),
    },
    restic: {
      binary: c?.getOptionalString('restic.binary') ?? 'restic',
      cacheDir: c?.getOptionalString('restic.cacheDir'),
    },
  };
}
