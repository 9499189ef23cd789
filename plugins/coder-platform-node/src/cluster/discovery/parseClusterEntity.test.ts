import { ConfigReader } from '@backstage/config';
import { ClusterEntity, parseClusterEntity } from './parseClusterEntity';
import { isAllowedHost, readDiscoverySettings } from './readDiscoverySettings';

const GKE = 'projects/acme-coder/locations/europe-west1/clusters/dev';
const OPTIONS = {
  allowedProjects: ['acme-coder'],
  allowedHosts: ['*.dev.example.com', '127.0.0.1:4443'],
};

function entity(
  annotations: Record<string, string>,
  overrides: Partial<ClusterEntity> = {},
): ClusterEntity {
  return {
    kind: 'Resource',
    metadata: {
      name: 'dev',
      namespace: 'default',
      annotations: {
        'coder-platform.io/cluster': 'dev',
        'coder-platform.io/gke-cluster': GKE,
        ...annotations,
      },
    },
    spec: { type: 'coder-cluster', owner: 'platform' },
    ...overrides,
  };
}

describe('parseClusterEntity', () => {
  it('reads every annotation of a full entity', () => {
    const result = parseClusterEntity(
      entity({
        'coder-platform.io/coder-url': 'https://coder.dev.example.com/',
        'coder-platform.io/keycloak-url': 'https://keycloak.dev.example.com',
        'coder-platform.io/keycloak-realm': 'coder',
        'coder-platform.io/backup-bucket': 'acme-coder-backups',
        'coder-platform.io/postgres-backup-prefix':
          'spilo/dev/main-postgres-db/main',
        'coder-platform.io/postgres-backup-schedule': '15 2 * * *',
        'coder-platform.io/restic-prefix': 'coder/dev',
      }),
      OPTIONS,
    );
    expect(result.warnings).toEqual([]);
    expect(result.spec).toEqual({
      name: 'dev',
      title: 'dev',
      entityRef: 'resource:default/dev',
      gke: {
        project: 'acme-coder',
        location: 'europe-west1',
        cluster: 'dev',
        resourceName: GKE,
      },
      coderUrl: 'https://coder.dev.example.com',
      keycloak: { url: 'https://keycloak.dev.example.com', realm: 'coder' },
      backups: {
        bucket: 'acme-coder-backups',
        postgres: {
          prefix: 'spilo/dev/main-postgres-db/main',
          schedule: '15 2 * * *',
        },
        resticPrefix: 'coder/dev',
      },
    });
  });

  it('takes the default schedule and no URLs when they are absent', () => {
    const { spec, warnings } = parseClusterEntity(
      entity({
        'coder-platform.io/backup-bucket': 'acme-coder-backups',
        'coder-platform.io/postgres-backup-prefix': 'spilo/dev/pg/main',
      }),
      OPTIONS,
    );
    expect(warnings).toEqual([]);
    expect(spec?.coderUrl).toBeUndefined();
    expect(spec?.keycloak).toBeUndefined();
    expect(spec?.backups?.postgres?.schedule).toBe('0 1 * * *');
  });

  it.each([
    [{ 'coder-platform.io/cluster': 'Dev_1' }, 'coder-platform.io/cluster'],
    [
      { 'coder-platform.io/gke-cluster': 'https://1.2.3.4' },
      'coder-platform.io/gke-cluster',
    ],
    [
      {
        'coder-platform.io/gke-cluster':
          'projects/evil-project/locations/europe-west1/clusters/dev',
      },
      'coder-platform.io/gke-cluster names project "evil-project", which is not in coderPlatform.gke.allowedProjects',
    ],
    [
      { 'coder-platform.io/coder-token': 'abc' },
      'coder-platform.io/coder-token names a credential',
    ],
    [
      { 'coder-platform.io/keycloak-client-secret': 'abc' },
      'coder-platform.io/keycloak-client-secret names a credential',
    ],
    [
      { 'coder-platform.io/restic-prefix': 'ya29.a0AfB_byC-leaked-token' },
      'coder-platform.io/restic-prefix holds a value that looks like a credential (not shown)',
    ],
  ])('ignores the whole entity for %j', (annotations, message) => {
    const { spec, warnings } = parseClusterEntity(entity(annotations), OPTIONS);
    expect(spec).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('coder-cluster resource:default/dev');
    expect(warnings[0]).toContain(message);
    expect(warnings[0]).toContain('the entity is ignored');
    expect(warnings[0]).not.toContain('ya29.a0AfB_byC-leaked-token');
  });

  it('ignores an entity without a GKE resource name, naming the annotation', () => {
    const e = entity({});
    delete e.metadata.annotations!['coder-platform.io/gke-cluster'];
    const { spec, warnings } = parseClusterEntity(e, OPTIONS);
    expect(spec).toBeUndefined();
    expect(warnings[0]).toContain('coder-platform.io/gke-cluster is missing');
  });

  it('ignores an entity that is not a coder-cluster Resource', () => {
    const { spec, warnings } = parseClusterEntity(
      entity({}, { spec: { type: 'database' } }),
      OPTIONS,
    );
    expect(spec).toBeUndefined();
    expect(warnings[0]).toContain('not a Resource of spec.type coder-cluster');
  });

  it.each([
    ['coder-platform.io/coder-url', 'not a url', 'is not a URL'],
    [
      'coder-platform.io/coder-url',
      'https://admin:pw@coder.dev.example.com',
      'carries user info (a credential)',
    ],
    [
      'coder-platform.io/coder-url',
      'https://coder.evil.example.org',
      'names host "coder.evil.example.org", which is not in coderPlatform.discovery.allowedHosts',
    ],
    [
      'coder-platform.io/coder-url',
      'https://127.0.0.1:9999',
      'names host "127.0.0.1:9999"',
    ],
    [
      'coder-platform.io/coder-url',
      'https://coder.dev.example.com/?session=x',
      'has a query or fragment',
    ],
    ['coder-platform.io/coder-url', 'ftp://coder.dev.example.com', 'ftp:'],
    [
      'coder-platform.io/keycloak-realm',
      'bad realm/../x',
      'is not a Keycloak realm name',
    ],
    [
      'coder-platform.io/backup-bucket',
      'Bad_Bucket!',
      'is not a GCS bucket name',
    ],
    [
      'coder-platform.io/restic-prefix',
      '../other/cluster',
      'is not a bucket prefix',
    ],
    [
      'coder-platform.io/postgres-backup-schedule',
      'every night',
      'is not a 5-field cron expression; 0 1 * * * is used',
    ],
  ])('ignores a bad %s (%s) on its own', (key, value, message) => {
    const { spec, warnings } = parseClusterEntity(
      entity({
        'coder-platform.io/keycloak-realm': 'coder',
        'coder-platform.io/backup-bucket': 'acme-coder-backups',
        'coder-platform.io/postgres-backup-prefix': 'spilo/dev/pg/main',
        'coder-platform.io/restic-prefix': 'coder/dev',
        [key]: value,
      }),
      OPTIONS,
    );
    expect(spec?.name).toBe('dev');
    // A bad bucket also drops the prefixes that need it (a second warning).
    expect(warnings).toHaveLength(
      key === 'coder-platform.io/backup-bucket' ? 2 : 1,
    );
    expect(warnings[0]).toContain(
      `coder-cluster resource:default/dev: annotation ${key}`,
    );
    expect(warnings[0]).toContain(message);
    // The ignored annotation leaves nothing behind.
    expect(spec?.coderUrl).toBeUndefined();
  });

  it('warns about prefixes given without a bucket', () => {
    const { spec, warnings } = parseClusterEntity(
      entity({ 'coder-platform.io/restic-prefix': 'coder/dev' }),
      OPTIONS,
    );
    expect(spec?.backups).toBeUndefined();
    expect(warnings).toEqual([
      'coder-cluster resource:default/dev: annotation coder-platform.io/restic-prefix is given without a valid coder-platform.io/backup-bucket; ignored',
    ]);
  });
});

describe('readDiscoverySettings', () => {
  it('has defaults', () => {
    expect(readDiscoverySettings(new ConfigReader({}))).toEqual({
      enabled: true,
      frequencySeconds: 300,
      onDemandMinIntervalSeconds: 30,
      allowedHosts: [],
      secrets: {
        coderToken: undefined,
        keycloakClientId: {
          namespace: 'keycloak',
          name: 'coder-platform-reader',
          key: 'client-id',
        },
        keycloakClientSecret: {
          namespace: 'keycloak',
          name: 'coder-platform-reader',
          key: 'client-secret',
        },
        resticPassword: { namespace: 'coder', name: 'restic', key: 'password' },
      },
    });
  });

  it.each([
    [{ allowedHosts: ['http://x'] }, 'coderPlatform.discovery.allowedHosts[0]'],
    [{ frequencySeconds: 0 }, 'coderPlatform.discovery.frequencySeconds'],
    [
      { secrets: { resticPassword: 'coder/restic' } },
      'coderPlatform.discovery.secrets.resticPassword must be "namespace/name/key"',
    ],
  ])('names the key of %j', (discovery, message) => {
    expect(() =>
      readDiscoverySettings(new ConfigReader({ coderPlatform: { discovery } })),
    ).toThrow(message);
  });

  it('matches hosts with wildcard and port', () => {
    const hosts = ['*.dev.example.com', '127.0.0.1:4443'];
    expect(isAllowedHost(new URL('https://coder.dev.example.com'), hosts)).toBe(
      true,
    );
    expect(isAllowedHost(new URL('https://dev.example.com'), hosts)).toBe(
      false,
    );
    expect(isAllowedHost(new URL('https://evildev.example.com'), hosts)).toBe(
      false,
    );
    expect(
      isAllowedHost(new URL('https://coder.dev.example.com:8443'), hosts),
    ).toBe(false);
    expect(isAllowedHost(new URL('http://127.0.0.1:4443'), hosts)).toBe(true);
  });
});
