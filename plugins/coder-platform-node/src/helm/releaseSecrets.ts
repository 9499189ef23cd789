import { gunzipSync } from 'node:zlib';
import type {
  HelmReleaseInfo,
  HelmReleaseWithDrift,
  PinnedRelease,
} from '@coder-platform/plugin-coder-platform-common';

/** Helm 3/4 stores each revision in a Secret of this type, named `sh.helm.release.v1.<name>.v<revision>`. */
export const HELM_RELEASE_SECRET_TYPE = 'helm.sh/release.v1';
export const HELM_RELEASE_SECRET_PREFIX = 'sh.helm.release.v1.';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

/** The JSON Helm writes for a release (the parts we read). */
export interface HelmReleaseJson {
  name: string;
  namespace: string;
  version: number;
  info?: {
    status?: string;
    last_deployed?: string;
    first_deployed?: string;
    description?: string;
  };
  chart?: {
    metadata?: { name?: string; version?: string; appVersion?: string };
  };
}

/**
 * Decodes `data.release` of a release Secret. The API returns Secret data
 * base64-encoded; inside is Helm's own base64 of the gzipped release JSON
 * (older Helm versions wrote it without gzip).
 */
export function decodeReleaseData(secretData: string): HelmReleaseJson {
  const helmEncoded = Buffer.from(secretData, 'base64').toString('utf8');
  const bytes = Buffer.from(helmEncoded, 'base64');
  const json = bytes.subarray(0, 3).equals(GZIP_MAGIC)
    ? gunzipSync(bytes)
    : bytes;
  return JSON.parse(json.toString('utf8')) as HelmReleaseJson;
}

/** The summary the portal shows; values, manifest and notes are left out. */
export function toReleaseInfo(release: HelmReleaseJson): HelmReleaseInfo {
  const info: HelmReleaseInfo = {
    name: release.name,
    namespace: release.namespace,
    revision: release.version,
    status: release.info?.status ?? 'unknown',
    chart: release.chart?.metadata?.name ?? 'unknown',
    chartVersion: release.chart?.metadata?.version ?? 'unknown',
    appVersion: release.chart?.metadata?.appVersion,
    updated: release.info?.last_deployed,
    description: release.info?.description,
  };
  for (const key of Object.keys(info) as (keyof HelmReleaseInfo)[]) {
    if (info[key] === undefined) delete info[key];
  }
  return info;
}

/** Parses `sh.helm.release.v1.<name>.v<revision>`. */
export function parseReleaseSecretName(
  name: string,
): { release: string; revision: number } | undefined {
  if (!name.startsWith(HELM_RELEASE_SECRET_PREFIX)) return undefined;
  const match = /^(.+)\.v(\d+)$/.exec(
    name.slice(HELM_RELEASE_SECRET_PREFIX.length),
  );
  return match ? { release: match[1], revision: Number(match[2]) } : undefined;
}

const stripV = (version: string) => version.replace(/^v/, '');

/** Joins installed releases with the pins: in-sync, drift, missing or unpinned. */
export function compareWithPins(
  installed: HelmReleaseInfo[],
  pins: PinnedRelease[],
): HelmReleaseWithDrift[] {
  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  const pinByKey = new Map(pins.map(p => [key(p.namespace, p.release), p]));
  const seen = new Set<string>();
  const items: HelmReleaseWithDrift[] = installed.map(release => {
    const k = key(release.namespace, release.name);
    seen.add(k);
    const pinned = pinByKey.get(k);
    let drift: HelmReleaseWithDrift['drift'] = 'unpinned';
    if (pinned) {
      drift =
        pinned.chart === release.chart &&
        stripV(pinned.version) === stripV(release.chartVersion)
          ? 'in-sync'
          : 'drift';
    }
    return {
      release: release.name,
      namespace: release.namespace,
      installed: release,
      pinned,
      drift,
    };
  });
  for (const pinned of pins) {
    if (!seen.has(key(pinned.namespace, pinned.release))) {
      items.push({
        release: pinned.release,
        namespace: pinned.namespace,
        pinned,
        drift: 'missing',
      });
    }
  }
  return items.sort((a, b) =>
    key(a.namespace, a.release).localeCompare(key(b.namespace, b.release)),
  );
}
