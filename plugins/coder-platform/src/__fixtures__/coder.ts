import type {
  CoderOverviewResponse,
  CoderWorkspaceSummary,
  CoderWorkspacesListResponse,
} from '@coder-platform/plugin-coder-platform-common';

export const coderFetchedAt = '2026-11-30T09:00:00.000Z';

/** `GET /clusters/dev-eu1/coder`: a deployment with one failing health section. */
export const coderOverviewFixture: CoderOverviewResponse = {
  cluster: 'dev-eu1',
  fetchedAt: coderFetchedAt,
  stale: false,
  buildInfo: {
    version: 'v2.25.1+a1b2c3d',
    dashboardUrl: 'https://coder.dev-eu1.example.com',
    externalUrl: 'https://github.com/coder/coder/commit/a1b2c3d',
    upgradeMessage: 'Coder v2.26.0 is available: see the release notes.',
  },
  health: {
    healthy: false,
    severity: 'warning',
    time: '2026-11-30T08:59:30.000Z',
    failing: [
      {
        section: 'derp',
        severity: 'warning',
        message: 'Region eu-west has high latency to the STUN server',
        warnings: ['DERP node eu-west-1 took 412 ms to respond'],
        dismissed: false,
      },
      {
        section: 'provisioner_daemons',
        severity: 'error',
        message: 'Provisioner daemon coder-provisioner-2 is offline',
        warnings: [],
        dismissed: false,
      },
    ],
  },
  stats: {
    collectedAt: '2026-11-30T08:58:00.000Z',
    workspaces: {
      pending: 1,
      building: 2,
      running: 17,
      failed: 3,
      stopped: 41,
    },
    sessions: { vscode: 9, ssh: 4, jetbrains: 2, reconnectingPty: 1 },
    connectionLatencyMs: { p50: 38, p95: 121 },
  },
  templates: [
    {
      name: 'devbox',
      displayName: 'Devbox',
      organization: 'coder',
      activeUserCount: 23,
      buildTimeStats: {
        start: { p50: 48_000, p95: 95_000 },
        stop: { p50: 12_000, p95: 20_000 },
        delete: { p50: 15_000, p95: 31_000 },
      },
      deprecated: false,
      updatedAt: '2026-11-20T14:02:00.000Z',
    },
    {
      name: 'python-ml',
      displayName: 'Python ML (GPU)',
      organization: 'coder',
      activeUserCount: -1,
      buildTimeStats: {
        start: { p50: null, p95: null },
        stop: { p50: null, p95: null },
        delete: { p50: null, p95: null },
      },
      deprecated: true,
      deprecationMessage: 'Use devbox with the GPU parameter instead',
      updatedAt: '2026-08-02T09:30:00.000Z',
    },
  ],
  provisioners: [
    {
      name: 'coder-provisioner-1',
      status: 'busy',
      version: 'v2.25.1',
      lastSeenAt: '2026-11-30T08:59:55.000Z',
      provisioners: ['terraform'],
      tags: { scope: 'organization', owner: '' },
      currentJob: { status: 'running', template: 'devbox' },
    },
    {
      name: 'coder-provisioner-2',
      status: 'offline',
      version: 'v2.24.3',
      lastSeenAt: '2026-11-29T22:11:00.000Z',
      provisioners: ['terraform'],
      tags: { scope: 'organization' },
    },
  ],
  unavailable: [],
};

/** The same deployment read with a token that is not Owner: no health report. */
export const coderOverviewWithoutHealthFixture: CoderOverviewResponse = {
  ...coderOverviewFixture,
  health: undefined,
  unavailable: [
    {
      section: 'health',
      message:
        'GET /api/v2/debug/health answered 403: the token needs the Owner role',
    },
  ],
};

function workspace(
  index: number,
  overrides: Partial<CoderWorkspaceSummary>,
): CoderWorkspaceSummary {
  return {
    id: `7d0f3c1e-0000-4000-8000-${String(index).padStart(12, '0')}`,
    name: `ws-${index}`,
    owner: 'alice',
    template: 'devbox',
    templateDisplayName: 'Devbox',
    organization: 'coder',
    status: 'running',
    transition: 'start',
    outdated: false,
    healthy: true,
    lastUsedAt: '2026-11-30T08:40:00.000Z',
    buildNumber: 12,
    ...overrides,
  };
}

/** Workspaces of dev-eu1, as Coder lists them (newest use first). */
export const coderWorkspacesFixture: CoderWorkspaceSummary[] = [
  workspace(1, { name: 'dev', owner: 'alice' }),
  workspace(2, {
    name: 'api-refactor',
    owner: 'bob',
    outdated: true,
    lastUsedAt: '2026-11-29T17:05:00.000Z',
  }),
  workspace(3, {
    name: 'notebooks',
    owner: 'carol',
    template: 'python-ml',
    templateDisplayName: 'Python ML (GPU)',
    status: 'stopped',
    transition: 'stop',
    healthy: undefined,
    lastUsedAt: '2026-11-21T10:00:00.000Z',
  }),
  workspace(4, {
    name: 'broken-build',
    owner: 'dave',
    status: 'failed',
    healthy: false,
    lastUsedAt: '2026-11-28T12:00:00.000Z',
  }),
];

/** One page of `GET /clusters/dev-eu1/workspaces`. */
export function coderWorkspacesResponse(
  query: { q?: string; limit?: number; offset?: number } = {},
  items: CoderWorkspaceSummary[] = coderWorkspacesFixture,
  count = 61,
): CoderWorkspacesListResponse {
  return {
    cluster: 'dev-eu1',
    fetchedAt: coderFetchedAt,
    stale: false,
    q: query.q,
    limit: query.limit ?? 25,
    offset: query.offset ?? 0,
    count,
    items,
  };
}
