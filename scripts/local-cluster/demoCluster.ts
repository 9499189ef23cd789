/**
 * What the local demo cluster contains: one place for the seed, the portal
 * config overlay it generates, and the values the end-to-end test asserts.
 */
import { CLUSTER_TEMPLATE_PINNED_RELEASES } from '@coder-platform/plugin-coder-platform-common';

/** Bump when the seeded content changes, so a warm start seeds again. */
export const SEED_VERSION = 4;

export const CLUSTER_NAME = 'local-demo';
export const CLUSTER_TITLE = 'Local demo cluster (simulated Coder API)';
export const REALM = 'local-demo';
export const BUCKET = 'local-demo-backups';
/** Kubernetes namespaces of the demo releases carry this prefix, so they never meet a test's namespaces. */
export const NAMESPACE_PREFIX = 'local-demo-';
export const WALG_PREFIX = 'spilo/local-demo/main-postgres-db/wal/15';
export const RESTIC_PREFIX = 'coder/local-demo';
export const KEYCLOAK_USERS = 300;
/** wal-g layouts older than this are written again (the WAL lag would grow). */
export const WALG_MAX_AGE_MS = 30 * 60_000;

/** The confidential client the portal signs users in with (OIDC, standard flow). */
export const SIGN_IN_CLIENT_ID = 'backstage-sign-in';
/** A seeded, verified, enabled realm user who gets a password and a catalog User entity. */
export const LOGIN_USER = 'user00003';

/** Backup days; the delta of day index 2 is missing, which breaks the chain of the delta after it. */
export const WALG_DAYS = 10;
export const WALG_MISSING_INDEX = 2;

export const RESTIC_WORKSPACES = [
  { name: 'coder-user00003-devbox', snapshots: 3, files: 4 },
  { name: 'coder-user00006-python', snapshots: 2, files: 3 },
  { name: 'coder-user00012-builder', snapshots: 1, files: 6 },
  { name: 'coder-user00015-devbox', snapshots: 2, files: 2 },
];

/**
 * Helm releases at the template's pinned versions in prefixed namespaces, with
 * one behind its pin (keycloak) and one not installed (oauth2-proxy).
 */
export function demoReleases() {
  const pins = demoPins();
  return pins
    .filter(p => p.chart !== 'oauth2-proxy')
    .map(p => ({
      release: p.release,
      namespace: p.namespace,
      chart: p.chart,
      version: p.chart === 'keycloak' ? '24.7.1' : p.version,
      appVersion: APP_VERSIONS[p.chart] ?? p.version.replace(/^v/, ''),
    }));
}

const APP_VERSIONS: Record<string, string> = {
  'cert-manager': 'v1.17.4',
  'ingress-nginx': '1.13.1',
  'postgres-operator': '1.14.0',
  keycloak: '26.1.4',
  coder: '2.25.1',
  'kube-prometheus-stack': 'v0.84.1',
};

/** The template's pins with the demo's namespace prefix. */
export function demoPins() {
  return CLUSTER_TEMPLATE_PINNED_RELEASES.map(p => ({
    ...p,
    namespace: `${NAMESPACE_PREFIX}${p.namespace}`,
  }));
}

export interface DemoTemplate {
  name: string;
  /** Workspace names start with it. */
  short: string;
  displayName: string;
  description: string;
  image: string;
}

export const CODER_TEMPLATES: DemoTemplate[] = [
  {
    name: 'kubernetes-devbox',
    short: 'devbox',
    displayName: 'Kubernetes devbox',
    description: 'General development workspace with dind and restic sidecars',
    image: 'europe-docker.pkg.dev/local-demo/workspaces/devbox:1.8.0',
  },
  {
    name: 'python-datascience',
    short: 'python',
    displayName: 'Python data science',
    description: 'Python 3.12 with Jupyter and the team notebooks',
    image: 'europe-docker.pkg.dev/local-demo/workspaces/python:3.12-2',
  },
  {
    name: 'dind-builder',
    short: 'builder',
    displayName: 'Container builder',
    description: 'Builds container images with docker-in-docker',
    image: 'europe-docker.pkg.dev/local-demo/workspaces/builder:0.9.3',
  },
];

const STATUSES = [
  'running',
  'running',
  'stopped',
  'running',
  'failed',
  'stopped',
];

/** 24 workspaces of realm users over the three templates, deterministic. */
export function demoWorkspaces(now: Date) {
  return Array.from({ length: 24 }, (_, i) => {
    const owner = `user${String(3 * (i + 1)).padStart(5, '0')}`;
    const template = CODER_TEMPLATES[i % CODER_TEMPLATES.length];
    const status = STATUSES[i % STATUSES.length];
    return {
      name: `${template.short}-${i + 1}`,
      owner,
      template,
      status,
      outdated: i % 5 === 4,
      lastUsedAt: new Date(now.getTime() - i * 3 * 3600_000).toISOString(),
    };
  });
}
