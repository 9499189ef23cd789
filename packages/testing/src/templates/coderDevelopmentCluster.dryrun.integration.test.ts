import { Storage } from '@google-cloud/storage';
import { readFileSync } from 'node:fs';
import { requirePeer } from '../peers/peersEnv';
import {
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
const BUCKET = `coder-dry-run-${Date.now()}`;
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
 * The dry run of an EXISTING cluster (an upgrade): the GKE contract server
 * holds dev-gke, whose endpoint and CA are the local API server's, and the
 * backend's Google token is one that API server accepts. The in-cluster steps
 * then dry-run for real (helm reads release state with the real helm, the
 * guard lists the GCS emulator) until Keycloak, which the model finds through
 * the cluster's Keycloak Ingress: the local cluster has none.
 */
describe('coder-development-cluster dry run of an existing cluster (local API server, helm, GCS emulator)', () => {
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
  ]);
  const helm = requirePeer('helm', ['PEERS_HELM_BIN']);
  const gcs = requirePeer('gcs', ['PEERS_GCS_URL']);
  let env: Awaited<ReturnType<typeof startDryRunBackend>>;

  beforeAll(async () => {
    env = await startDryRunBackend({
      accessToken: kube.PEERS_KUBE_TOKEN,
      config: {
        clusterActions: {
          helm: { binary: helm.PEERS_HELM_BIN },
          gcs: { apiEndpoint: gcs.PEERS_GCS_URL, projectId: 'acme-coder' },
        },
      },
    });
    await new Storage({
      apiEndpoint: gcs.PEERS_GCS_URL,
      projectId: 'acme-coder',
    }).createBucket(BUCKET);
    env.gcp.grpc.clusters.set(GKE, {
      name: 'dev-gke',
      location: 'europe-west3-c',
      status: 'RUNNING',
      network: 'dev-vpc',
      subnetwork: 'dev-subnet',
      endpoint: kube.PEERS_KUBE_URL,
      masterAuth: {
        clusterCaCertificate: readFileSync(kube.PEERS_KUBE_CA_FILE).toString(
          'base64',
        ),
      },
    });
  });
  afterAll(() => env?.stop());

  it('dry-runs the in-cluster steps in order with their rendered inputs until Keycloak', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, values, secrets),
      secrets,
    );
    // The model finds Keycloak through the cluster's Ingress keycloak/keycloak.
    expect(res.status).toBe(500);
    expect(res.body.error?.message).toMatch(
      /cannot read Ingress keycloak\/keycloak/,
    );
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
    ]);
    const input = (i: number) => started[i].input;
    const plan = res.pluginLog.filter(l => !l.startsWith('Running'));
    // Workload Identity in the project's pool, whatever GKE reports now.
    expect(plan).toContain(
      '[dry run] IAM policy of service account coder-dns@acme-coder.iam.gserviceaccount.com: update fields roles/iam.workloadIdentityUser serviceAccount:acme-coder.svc.id.goog[cert-manager/cert-manager]',
    );
    // The wildcard certificate through the zone, DNS01 with ambient credentials.
    expect(input(6).manifest).toContain('hostedZoneName: spaces-example-com');
    expect(input(6).manifest).toContain("- '*.coder.dev.spaces.example.com'");
    expect(input(6).manifest).not.toContain('serviceAccountSecretRef');
    expect(plan).toEqual(
      expect.arrayContaining([
        'dry run: would install release cert-manager/cert-manager to cert-manager v1.17.4',
        'dry run: would create Issuer nginx-ingress/cert-issuer',
        'dry run: would create Certificate nginx-ingress/cluster-cert',
        'dry run: would install release nginx-ingress/nginx-ingress-public to ingress-nginx 4.13.1',
        'dry run: would install release postgres/postres-operator to postgres-operator 1.14.0',
        'dry run: would create postgresql postgres/main-postgres-db',
        'dry run: would write Secret keycloak/keycloak-admin: generated password',
        'dry run: would write Secret coder/restic: generated password',
        'dry run: would install release keycloak/main to keycloak 25.1.0',
      ]),
    );
    // ingress-nginx on the (planned) static address.
    expect(input(7).values.controller.service).toEqual({
      type: 'LoadBalancer',
      loadBalancerIP: '0.0.0.0',
    });
    // The guard ran against the GCS emulator: no backups, so no clone env.
    expect(input(10)).toMatchObject({
      cluster: GKE,
      bucket: BUCKET,
      scopePrefix: 'dev/',
      scope: 'main-postgres-db',
      pgVersion: 14,
      clone: { enabled: true },
    });
    expect(plan).toContain(
      `0 backup(s) at gs://${BUCKET}/spilo/dev/main-postgres-db/main/wal/14; no clone`,
    );
    expect(input(11).manifest).toMatch(/\n {2}env: \[\]\n?$/);
    expect(input(11).manifest).toContain('coder-platform.io/managed: "true"');
    // Keycloak: objects named keycloak (the model's Ingress), passwords from Secrets.
    expect(input(15).values).toMatchObject({
      fullnameOverride: 'keycloak',
      auth: { existingSecret: 'keycloak-admin', passwordSecretKey: 'password' },
      externalDatabase: {
        existingSecret: 'keycloak-db',
        existingSecretPasswordKey: 'password',
      },
      ingress: { hostname: 'keycloak.dev.spaces.example.com' },
    });
    expect(input(17)).not.toHaveProperty('smtp');
    expect(JSON.stringify(res)).not.toContain(secrets.coderAdminPassword);
  });
});
