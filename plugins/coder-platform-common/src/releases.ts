import type { Freshness } from './backups';

/** A chart version the cluster template pins. */
export interface PinnedRelease {
  release: string;
  namespace: string;
  chart: string;
  version: string;
}

/**
 * The chart versions the Coder development cluster template installs (from the
 * system it replaces). `coderPlatform.pinnedReleases` and
 * `coderPlatform.clusters[].pinnedReleases` override them.
 */
export const CLUSTER_TEMPLATE_PINNED_RELEASES: PinnedRelease[] = [
  {
    release: 'cert-manager',
    namespace: 'cert-manager',
    chart: 'cert-manager',
    version: 'v1.17.4',
  },
  {
    release: 'nginx-ingress-public',
    namespace: 'nginx-ingress',
    chart: 'ingress-nginx',
    version: '4.13.1',
  },
  {
    release: 'postres-operator',
    namespace: 'postgres',
    chart: 'postgres-operator',
    version: '1.14.0',
  },
  {
    release: 'main',
    namespace: 'keycloak',
    chart: 'keycloak',
    version: '25.1.0',
  },
  {
    release: 'main',
    namespace: 'oauth2-proxy',
    chart: 'oauth2-proxy',
    version: '8.3.0',
  },
  { release: 'coder', namespace: 'coder', chart: 'coder', version: '2.25.1' },
  {
    release: 'main',
    namespace: 'monitoring',
    chart: 'kube-prometheus-stack',
    version: '76.4.0',
  },
];

export type ReleaseDrift = 'in-sync' | 'drift' | 'missing' | 'unpinned';

/** The current revision of one Helm release, decoded from its release Secret. */
export interface HelmReleaseInfo {
  name: string;
  namespace: string;
  revision: number;
  /** Helm status: deployed, failed, pending-upgrade, superseded, uninstalling, ... */
  status: string;
  chart: string;
  chartVersion: string;
  appVersion?: string;
  /** `info.last_deployed`. */
  updated?: string;
  description?: string;
}

export interface HelmReleaseWithDrift {
  release: string;
  namespace: string;
  installed?: HelmReleaseInfo;
  pinned?: PinnedRelease;
  drift: ReleaseDrift;
}

/** Response of `GET /clusters/:name/releases`. */
export interface HelmReleasesResponse extends Freshness {
  cluster: string;
  items: HelmReleaseWithDrift[];
  /** Releases whose drift is not `in-sync` or `unpinned`. */
  driftCount: number;
}
