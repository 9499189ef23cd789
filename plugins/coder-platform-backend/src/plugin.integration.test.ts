import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { CacheService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  requirePeer,
  seedClusterUpstreams,
  SeededClusterUpstreams,
  SeededKeycloakRealm,
  seededUser,
  useNodeHttpTransportForStorage,
  WalgLayout,
} from '@coder-platform/testing';
import { CoreV1Api } from '@kubernetes/client-node';
import { createKubeConfig } from '@coder-platform/plugin-coder-platform-node';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { readClusters } from './config/readClusters';
import { ConfigReader } from '@backstage/config';
import { coderPlatformPlugin } from './plugin';
import { CoderPlatformService } from './service/CoderPlatformService';
import { readSettings } from './service/settings';

/**
 * The whole plugin against real local servers: Keycloak seeded with users,
 * the GCS emulator with a wal-g layout and restic repositories written by the
 * real restic, a Kubernetes API server with releases installed by real helm,
 * and Coder's contract server.
 */
describe('coder-platform backend against real upstreams', () => {
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
  ]);
  const transport = useNodeHttpTransportForStorage();
  let seeded: SeededClusterUpstreams;
  let realm: SeededKeycloakRealm;
  let coderToken: string;
  let bucket: string;
  let namespace: string;
  let walPrefix: string;
  let layout: WalgLayout;
  let config: object;

  beforeAll(async () => {
    seeded = await seedClusterUpstreams({
      name: 'backend',
      users: 150,
      walg: { now: new Date(), walSegments: 2000, timelineSwitches: [0.5] },
      resticPassword: 'restic-secret-pw',
      workspaces: [
        { name: 'coder-alice-dev', snapshots: 2, files: 2 },
        { name: 'coder-bob-main', snapshots: 1, files: 4 },
      ],
      releases: [
        {
          release: 'coder',
          chart: 'coder',
          version: '2.25.1',
          appVersion: '2.25.1',
        },
        {
          release: 'main',
          chart: 'keycloak',
          version: '25.0.2',
          appVersion: '26.3.1',
        },
      ],
      gcpProjectId: 'test',
    });
    ({ realm, coderToken, bucket, namespace, walPrefix, layout } = seeded);

    config = {
      coderPlatform: {
        refresh: { enabled: false },
        restic: { binary: seeded.resticBinary },
        pinnedReleases: [
          { release: 'coder', namespace, chart: 'coder', version: '2.25.1' },
          { release: 'main', namespace, chart: 'keycloak', version: '25.1.0' },
          {
            release: 'cert-manager',
            namespace,
            chart: 'cert-manager',
            version: 'v1.17.4',
          },
        ],
        clusters: [seeded.clusterConfig],
      },
    };
  }, 300_000);

  afterAll(async () => {
    await seeded?.remove();
    // The seed uninstalls its releases but leaves their namespace behind in
    // the shared API server.
    if (namespace) {
      await createKubeConfig({
        url: kube.PEERS_KUBE_URL,
        token: kube.PEERS_KUBE_TOKEN,
        caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
      })
        .makeApiClient(CoreV1Api)
        .deleteNamespace({ name: namespace });
    }
    transport.restore();
  }, 120_000);

  async function backend(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const { server } = await startTestBackend({
      features: [
        coderPlatformPlugin,
        mockServices.rootConfig.factory({ data: config as any }),
        mockServices.permissions.factory({ result }),
      ],
    });
    return server;
  }

  const secrets = () => [
    realm.clientSecret,
    'restic-secret-pw',
    kube.PEERS_KUBE_TOKEN,
    coderToken,
  ];

  it('serves Keycloak users, one user’s groups and the realm summary', async () => {
    const server = await backend();
    const page = await request(server).get(
      '/api/coder-platform/clusters/dev/keycloak/users?search=user0001&first=0&max=5',
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      realm: realm.realm,
      total: 10,
      first: 0,
      max: 5,
    });
    expect(page.body.items).toHaveLength(5);
    expect(page.body.items[1]).toMatchObject({
      username: 'user00011',
      emailVerified: false,
      enabled: true,
      requiredActions: ['VERIFY_EMAIL'],
      createdTimestamp: expect.any(Number),
    });
    expect(Object.keys(page.body.items[0]).sort()).toEqual([
      'createdTimestamp',
      'email',
      'emailVerified',
      'enabled',
      'firstName',
      'id',
      'lastName',
      'requiredActions',
      'username',
    ]);

    const [withGroups] = (
      await request(server).get(
        `/api/coder-platform/clusters/dev/keycloak/users?search=${realm.userWithGroups}`,
      )
    ).body.items;
    const groups = await request(server).get(
      `/api/coder-platform/clusters/dev/keycloak/users/${withGroups.id}/groups`,
    );
    expect(
      groups.body.items.map((g: { path: string }) => g.path).sort(),
    ).toEqual(['/developers', '/grafana-admin', '/grafana-dev']);

    const summary = await request(server).get(
      '/api/coder-platform/clusters/dev/keycloak/summary',
    );
    expect(summary.body).toMatchObject({ ...realm.expected, stale: false });
    for (const response of [page, groups, summary]) {
      for (const secret of secrets())
        expect(response.text).not.toContain(secret);
    }
  });

  it.each<[string, { enabled?: boolean; emailVerified?: boolean }]>([
    ['enabled=false', { enabled: false }],
    ['emailVerified=false', { emailVerified: false }],
    ['enabled=true&emailVerified=true', { enabled: true, emailVerified: true }],
  ])('filters Keycloak users on %s', async (query, filter) => {
    const server = await backend();
    const now = new Date();
    const expected = Array.from({ length: 150 }, (_, i) =>
      seededUser(i, now),
    ).filter(
      u =>
        (filter.enabled === undefined || u.enabled === filter.enabled) &&
        (filter.emailVerified === undefined ||
          u.emailVerified === filter.emailVerified),
    );
    const response = await request(server).get(
      `/api/coder-platform/clusters/dev/keycloak/users?${query}&max=100`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ...filter, total: expected.length });
    expect(response.body.items).toHaveLength(Math.min(100, expected.length));
    for (const user of response.body.items) expect(user).toMatchObject(filter);
  });

  it('answers 404 for the groups of an unknown user and 400 for a control character in search', async () => {
    const server = await backend();
    const unknown = await request(server).get(
      '/api/coder-platform/clusters/dev/keycloak/users/00000000-0000-0000-0000-000000000000/groups',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      `No user with id "00000000-0000-0000-0000-000000000000" in realm "${realm.realm}" of cluster dev`,
    );
    const control = await request(server).get(
      '/api/coder-platform/clusters/dev/keycloak/users?search=%00',
    );
    expect(control.status).toBe(400);
    expect(control.body.error.message).toMatch(/"search"/);
  });

  it('evaluates the wal-g backups in the GCS emulator', async () => {
    const server = await backend();
    const response = await request(server).get(
      '/api/coder-platform/clusters/dev/backups/postgres',
    );
    expect(response.status).toBe(200);
    const [status] = response.body.items;
    expect(status).toMatchObject({
      name: 'main-postgres-db',
      location: `gs://${bucket}/${walPrefix}`,
      count: layout.backups.length,
      retain: 14,
      latest: { name: layout.backups[layout.backups.length - 1].name },
      wal: {
        newestFile: layout.newestWalFile,
        timeline: 2,
        highestTimeline: 2,
      },
    });
    expect(status.chains.length).toBeGreaterThan(1);
    // The seeded layout has today's 01:00 backup when it is past 03:00 UTC.
    expect(['ok', 'warning']).toContain(status.health);
    expect(response.body.health).toBe(status.health);
  });

  it('reads workspace backups with the real restic binary', async () => {
    const server = await backend();
    const response = await request(server).get(
      '/api/coder-platform/clusters/dev/backups/workspaces',
    );
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      expect.objectContaining({
        repository: 'coder-alice-dev',
        snapshotCount: 2,
      }),
      expect.objectContaining({
        repository: 'coder-bob-main',
        snapshotCount: 1,
      }),
    ]);
    expect(response.body.items[0].latestSnapshot.restoreSize).toBeGreaterThan(
      0,
    );
    expect(response.text).not.toContain('restic-secret-pw');
  });

  it('reads the restic password from a Kubernetes Secret (passwordSecret)', async () => {
    const core = createKubeConfig({
      url: kube.PEERS_KUBE_URL,
      token: kube.PEERS_KUBE_TOKEN,
      caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
    }).makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'restic' },
        stringData: { password: 'restic-secret-pw' },
      },
    });
    try {
      const withSecret = JSON.parse(JSON.stringify(config));
      const restic = withSecret.coderPlatform.clusters[0].backups.restic;
      delete restic.password;
      restic.passwordSecret = `${namespace}/restic/password`;
      const { server } = await startTestBackend({
        features: [
          coderPlatformPlugin,
          mockServices.rootConfig.factory({ data: withSecret }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });
      const response = await request(server).get(
        '/api/coder-platform/clusters/dev/backups/workspaces',
      );
      expect(response.status).toBe(200);
      expect(
        response.body.items.map(
          (i: { snapshotCount: number }) => i.snapshotCount,
        ),
      ).toEqual([2, 1]);
      expect(response.text).not.toContain('restic-secret-pw');
    } finally {
      await core.deleteNamespacedSecret({ namespace, name: 'restic' });
    }
  });

  it('reads Helm releases installed by real helm and reports drift', async () => {
    const server = await backend();
    const response = await request(server).get(
      '/api/coder-platform/clusters/dev/releases',
    );
    expect(response.status).toBe(200);
    const mine = response.body.items.filter(
      (i: { namespace: string }) => i.namespace === namespace,
    );
    expect(
      mine.map((i: { release: string; drift: string }) => [i.release, i.drift]),
    ).toEqual([
      ['cert-manager', 'missing'],
      ['coder', 'in-sync'],
      ['main', 'drift'],
    ]);
    expect(mine[1].installed).toMatchObject({
      chartVersion: '2.25.1',
      appVersion: '2.25.1',
      status: 'deployed',
    });
    expect(response.text).not.toContain(kube.PEERS_KUBE_TOKEN);
  });

  it('refuses the users list without coder-platform.keycloak.users.read', async () => {
    const server = await backend(AuthorizeResult.DENY);
    const response = await request(server).get(
      '/api/coder-platform/clusters/dev/keycloak/users',
    );
    expect(response.status).toBe(403);
  });

  it('counts upstream calls: cold, warm (cache hits call nothing), and forced refresh', async () => {
    const store = new Map<string, unknown>();
    const cache: CacheService = {
      get: async key => store.get(key) as any,
      set: async (key, value) => void store.set(key, value),
      delete: async key => void store.delete(key),
      withOptions: () => cache,
    };
    const root = new ConfigReader(config as any);
    const service = new CoderPlatformService({
      clusters: readClusters(root),
      settings: readSettings(root),
      cache,
      logger: mockServices.logger.mock(),
    });
    const calls = () => Object.fromEntries(service.calls.counts);
    const before = calls();
    await service.postgresBackups('dev');
    await service.keycloakSummary('dev');
    await service.releases('dev');
    const cold = calls();
    await service.postgresBackups('dev');
    await service.keycloakSummary('dev');
    await service.releases('dev');
    expect(calls()).toEqual(cold);
    await service.postgresBackups('dev', { refresh: true });
    const refreshed = calls();
    // Cold: 1 sentinel listing + sentinel and metadata reads (the newest is a v2
    // sentinel) + 1 WAL page. Refresh: sentinels already read are not read again.
    const backups = layout.backups.length;
    expect((cold['dev/gcs'] ?? 0) - (before['dev/gcs'] ?? 0)).toBe(
      1 + 2 * backups - 1 + 1,
    );
    expect(refreshed['dev/gcs'] - cold['dev/gcs']).toBe(2);
    expect(cold['dev/keycloak']).toBe(5);
    expect(cold['dev/kubernetes']).toBe(1);
  });
});
