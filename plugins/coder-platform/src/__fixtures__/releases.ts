import {
  CLUSTER_TEMPLATE_PINNED_RELEASES,
  HelmReleasesResponse,
  PinnedRelease,
} from '@coder-platform/plugin-coder-platform-common';

function pinned(chart: string): PinnedRelease {
  const found = CLUSTER_TEMPLATE_PINNED_RELEASES.find(p => p.chart === chart);
  if (!found) throw new Error(`no pinned release for chart ${chart}`);
  return found;
}

/** `GET /clusters/dev-eu1/releases`: one drifted, one missing, one failed, one unpinned. */
export const helmReleasesFixture: HelmReleasesResponse = {
  cluster: 'dev-eu1',
  fetchedAt: '2026-11-30T09:00:00.000Z',
  stale: false,
  driftCount: 2,
  items: [
    {
      release: 'coder',
      namespace: 'coder',
      pinned: pinned('coder'),
      drift: 'in-sync',
      installed: {
        name: 'coder',
        namespace: 'coder',
        revision: 7,
        status: 'deployed',
        chart: 'coder',
        chartVersion: '2.25.1',
        appVersion: '2.25.1',
        updated: '2026-11-18T10:12:00.000Z',
        description: 'Upgrade complete',
      },
    },
    {
      release: 'cert-manager',
      namespace: 'cert-manager',
      pinned: pinned('cert-manager'),
      drift: 'drift',
      installed: {
        name: 'cert-manager',
        namespace: 'cert-manager',
        revision: 3,
        status: 'deployed',
        chart: 'cert-manager',
        chartVersion: 'v1.16.2',
        appVersion: 'v1.16.2',
        updated: '2026-06-01T08:00:00.000Z',
        description: 'Upgrade complete',
      },
    },
    {
      release: 'main',
      namespace: 'monitoring',
      pinned: pinned('kube-prometheus-stack'),
      drift: 'missing',
    },
    {
      release: 'main',
      namespace: 'keycloak',
      pinned: pinned('keycloak'),
      drift: 'in-sync',
      installed: {
        name: 'main',
        namespace: 'keycloak',
        revision: 4,
        status: 'failed',
        chart: 'keycloak',
        chartVersion: '25.1.0',
        appVersion: '26.3.2',
        updated: '2026-11-29T16:40:00.000Z',
        description: 'Upgrade "main" failed: context deadline exceeded',
      },
    },
    {
      release: 'restic-exporter',
      namespace: 'coder',
      drift: 'unpinned',
      installed: {
        name: 'restic-exporter',
        namespace: 'coder',
        revision: 1,
        status: 'deployed',
        chart: 'restic-exporter',
        chartVersion: '0.3.0',
        updated: '2026-10-10T12:00:00.000Z',
      },
    },
  ],
};
