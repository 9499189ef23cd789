import { Config } from '@backstage/config';

/** The app-config key of the chart repository mirrors. */
export const REPOSITORY_MIRRORS_KEY =
  'coderPlatform.clusterActions.helm.repositoryMirrors';

/**
 * One chart repository mirror: charts of `repository` (a chart repository
 * URL, or an `oci://` prefix) are fetched from `mirror` instead.
 */
export interface HelmRepositoryMirror {
  repository: string;
  mirror: string;
}

/** Where a chart is fetched from: the step's own source or a mirror of it. */
export interface ChartSource {
  /** The chart argument for helm (the mirrored `oci://` reference for OCI charts). */
  chart: string;
  /** The repository URL for `--repo`; absent for OCI charts. */
  repoUrl?: string;
  /** The mirror entry that served the chart, when one matched. */
  mirror?: HelmRepositoryMirror;
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

type Kind = 'repository' | 'oci';

function checkUrl(value: string, path: string, kind: Kind): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${path} must be an absolute URL, got "${value}"`);
  }
  if (kind === 'oci') {
    if (url.protocol !== 'oci:' || !url.host) {
      throw new Error(
        `${path} must be an oci://registry/path prefix (the repository is an oci:// prefix), got "${value}"`,
      );
    }
  } else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `${path} must be an http:// or https:// chart repository URL, got "${value}"`,
    );
  }
  if (url.username || url.password) {
    // Mirrors have no credentials of their own; a password in the URL would
    // end up in step logs.
    throw new Error(`${path} must not carry credentials (user:password@)`);
  }
  if (url.search || url.hash) {
    throw new Error(`${path} must not have a query or fragment`);
  }
  return withoutTrailingSlash(value);
}

/**
 * Reads and validates `coderPlatform.clusterActions.helm.repositoryMirrors`:
 * both URLs absolute, http(s) for chart repositories and oci:// for OCI
 * prefixes, no credentials, each repository at most once. Throws naming the
 * config path of the bad entry, e.g.
 * `coderPlatform.clusterActions.helm.repositoryMirrors[2].mirror`.
 */
export function readRepositoryMirrors(config: Config): HelmRepositoryMirror[] {
  const entries = config.getOptionalConfigArray(REPOSITORY_MIRRORS_KEY) ?? [];
  const seen = new Map<string, number>();
  return entries.map((entry, index) => {
    const at = `${REPOSITORY_MIRRORS_KEY}[${index}]`;
    const repositoryValue = entry.getString('repository');
    const mirrorValue = entry.getString('mirror');
    const kind: Kind = repositoryValue.startsWith('oci://')
      ? 'oci'
      : 'repository';
    const repository = checkUrl(repositoryValue, `${at}.repository`, kind);
    const mirror = checkUrl(mirrorValue, `${at}.mirror`, kind);
    const first = seen.get(repository);
    if (first !== undefined) {
      throw new Error(
        `${at}.repository "${repositoryValue}" is already mirrored by ${REPOSITORY_MIRRORS_KEY}[${first}]`,
      );
    }
    seen.set(repository, index);
    return { repository, mirror };
  });
}

/**
 * The source helm fetches a chart from: a mirror whose `repository` equals the
 * step's `repoUrl` (trailing `/` ignored), or, for an `oci://` chart, the
 * mirror whose `oci://` prefix the reference starts with at a path-segment
 * boundary (the longest such prefix); otherwise the step's own source.
 */
export function chartSource(
  mirrors: readonly HelmRepositoryMirror[],
  chart: string,
  repoUrl: string | undefined,
): ChartSource {
  if (chart.startsWith('oci://')) {
    const match = mirrors
      .filter(
        m =>
          m.repository.startsWith('oci://') &&
          (chart === m.repository || chart.startsWith(`${m.repository}/`)),
      )
      .sort((a, b) => b.repository.length - a.repository.length)[0];
    return match
      ? {
          chart: `${match.mirror}${chart.slice(match.repository.length)}`,
          mirror: match,
        }
      : { chart };
  }
  if (!repoUrl) return { chart };
  const wanted = withoutTrailingSlash(repoUrl);
  const match = mirrors.find(m => m.repository === wanted);
  return match
    ? { chart, repoUrl: match.mirror, mirror: match }
    : { chart, repoUrl };
}
