import { Storage } from '@google-cloud/storage';
import { requirePeer } from '../peers/peersEnv';
import {
  skippedSteps,
  startDryRunBackend,
  startedSteps,
} from './__testUtils__/dryRunBackend';
import { formValues, suiteTemplate } from './__testUtils__/suiteTemplates';

// Cloud DNS's client needs teeny-request 11's node:http transport under jest
// (see gcpProjectBootstrap.dryrun.test.ts).
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

jest.setTimeout(300_000);

const GKE = 'projects/acme-coder/locations/europe-west3-c/clusters/dev-gke';
const BUCKET = `coder-planned-${Date.now()}`;
const template = suiteTemplate('coder-development-cluster');
const secrets = { coderAdminPassword: 'correct-horse-battery-staple' };
const values = {
  projectId: 'acme-coder',
  domainName: 'spaces.example.com',
  managedZone: 'spaces-example-com',
  bucketName: BUCKET,
  adminEmail: 'admin@example.com',
};

/**
 * The dry run of a NEW cluster: gcp:gke:cluster only plans dev-gke, so every
 * in-cluster step logs what it would apply to the cluster not created yet
 * and outputs planned values; the guard still lists the backups (GCS
 * emulator). The devbox Terraform is pushed from the actions package
 * (coder:template:push with template: devbox, no fetch step), so the run
 * plans every step to the catalog Resource.
 */
describe('coder-development-cluster dry run of a new cluster (GCS emulator)', () => {
  const gcs = requirePeer('gcs', ['PEERS_GCS_URL']);
  let env: Awaited<ReturnType<typeof startDryRunBackend>>;

  beforeAll(async () => {
    env = await startDryRunBackend({
      config: {
        clusterActions: {
          gcs: { apiEndpoint: gcs.PEERS_GCS_URL, projectId: 'acme-coder' },
        },
      },
    });
    await new Storage({
      apiEndpoint: gcs.PEERS_GCS_URL,
      projectId: 'acme-coder',
    }).createBucket(BUCKET);
  });
  afterAll(() => env?.stop());

  it('plans every step of a new cluster, the devbox template and the catalog Resource included', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, values, secrets),
      secrets,
    );
    expect(res.body.error?.message).toBeUndefined();
    expect(res.status).toBe(200);
    const started = startedSteps(res.pluginLog);
    expect(started.map(s => s.action)).toEqual([
      'gcp:compute:network',
      'gcp:compute:address',
      'gcp:dns:record-set',
      'gcp:gke:cluster',
      'gcp:iam:binding',
      'helm:release', // cert-manager
      'kubernetes:apply', // issuer and certificate
      'helm:release', // ingress-nginx
      'helm:release', // postgres-operator
      'kubernetes:apply', // wal-g settings, service account, storage class
      'coder-platform:postgres:guard',
      'kubernetes:apply', // postgresql
      'kubernetes:secret', // keycloak-admin, keycloak-db
      'kubernetes:secret', // coder-db, restic
      'kubernetes:secret', // grafana-admin
      'helm:release', // keycloak
      'http:wait',
      'keycloak:realm',
      'keycloak:client', // each: coder, grafana, auth
      'keycloak:client', // coder-platform-reader
      'keycloak:group',
      'kubernetes:secret', // oauth2-proxy
      'helm:release', // oauth2-proxy
      'kubernetes:apply', // coder namespace, restic
      'helm:release', // coder
      'helm:release', // kube-prometheus-stack
      'coder:bootstrap',
      'coder:template:push',
      'catalog:write',
    ]);
    // Every step ran or was skipped by its if: (the catalog pull request and
    // registration need a catalog repository); none is left out.
    const ran = new Set(res.body.log!.map(l => l.body.stepId));
    expect(
      template.entity.spec.steps
        .map((s: { id: string }) => s.id)
        .filter((id: string) => !ran.has(id)),
    ).toEqual([]);
    expect(skippedSteps(res.body.log)).toEqual([
      'smtp-secret', // smtpEnabled: false
      'realm-smtp',
      'publish-entity', // no catalogRepoUrl
      'register',
    ]);
    const log = res.pluginLog.join('\n');
    const planned = (what: string) =>
      `cluster ${GKE} is not created yet: would ${what}`;
    expect(res.pluginLog).toEqual(
      expect.arrayContaining([
        planned(
          'install release cert-manager/cert-manager (cert-manager v1.17.4)',
        ),
        planned('create or update Keycloak realm "example-com"'),
        planned(
          'create client "coder" in realm "example-com" and write its secret to coder/coder-oidc',
        ),
        planned(
          'create client "coder-platform-reader" in realm "example-com" and write its secret to keycloak/coder-platform-reader',
        ),
        planned(
          'create the first Coder user admin@example.com and store a session token',
        ),
      ]),
    );
    // The guard read the (empty) backup prefix although the cluster is planned.
    expect(log).toContain(
      `0 backup(s) at gs://${BUCKET}/spilo/dev/main-postgres-db/main/wal/14; no clone`,
    );
    const input = (action: string, n = 0) =>
      started.filter(s => s.action === action)[n].input;
    expect(input('keycloak:client', 1)).toMatchObject({
      clientId: 'coder-platform-reader',
      realm: 'example-com',
      serviceAccountRoles: [
        'view-users',
        'query-users',
        'query-groups',
        'view-realm',
      ],
      secret: { namespace: 'keycloak', name: 'coder-platform-reader' },
    });
    expect(input('keycloak:realm')).toMatchObject({
      cluster: GKE,
      realm: 'example-com',
      registrationAllowed: true,
    });
    const coder = started.find(
      s => s.action === 'helm:release' && s.input.name === 'coder',
    )!.input;
    expect(coder.values.coder.env).toEqual(
      expect.arrayContaining([
        {
          name: 'CODER_OIDC_ISSUER_URL',
          value: 'https://keycloak.dev.spaces.example.com/realms/example-com',
        },
        { name: 'CODER_OIDC_CLIENT_ID', value: 'coder' },
        {
          name: 'CODER_OIDC_CLIENT_SECRET',
          valueFrom: {
            secretKeyRef: { name: 'coder-oidc', key: 'client-secret' },
          },
        },
      ]),
    );
    expect(JSON.stringify(res)).not.toContain(secrets.coderAdminPassword);
  });

  it('plans the push of the bundled devbox, with nothing fetched into the workspace', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, values, secrets),
      secrets,
    );
    expect(res.status).toBe(200);
    // No step writes the devbox files: the push reads them from the package,
    // so a task resumed in a fresh workspace pushes the same.
    expect(
      (res.body.directoryContents ?? [])
        .map(f => f.path)
        .filter(p => !p.startsWith('catalog/')),
    ).toEqual([]);
    expect(res.pluginLog).toContain(
      `cluster ${GKE} is not created yet: would create Coder template "devbox" from the bundled template devbox`,
    );
    const started = startedSteps(res.pluginLog);
    const push = started.find(s => s.action === 'coder:template:push')!.input;
    expect(push.directory).toBeUndefined();
    // Coder's default organization (the only one of a new deployment).
    expect(push.organization).toBeUndefined();
    expect(push).toMatchObject({
      cluster: GKE,
      name: 'devbox',
      template: 'devbox',
      variables: {
        namespace: 'coder',
        cluster_name: 'dev',
        restic_repository_prefix: `gs:${BUCKET}:/coder/dev`,
      },
    });
    const entity = started[started.length - 1].input.entity;
    expect(entity.metadata.annotations).toMatchObject({
      'coder-platform.io/cluster': 'dev',
      'coder-platform.io/gke-cluster': GKE,
      'coder-platform.io/backup-bucket': BUCKET,
      'coder-platform.io/keycloak-realm': 'example-com',
    });
    expect(JSON.stringify(res)).not.toContain(secrets.coderAdminPassword);
  });

  it('an upgrade form without the password stops at coder:bootstrap: a cluster not created yet has no Coder admin', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, { ...values, upgrade: true }),
    );
    // The action's InputError: a 400 naming the task secret.
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toBe(
      `coder:bootstrap: the cluster "${GKE}" is not created yet, so Coder has no first user; the Coder admin password is needed, but the task secret "coderAdminPassword" (input passwordSecret) is missing`,
    );
    expect(startedSteps(res.pluginLog).pop()!.action).toBe('coder:bootstrap');
  });
});
