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

jest.setTimeout(180_000);

const template = suiteTemplate('coder-development-cluster');
const values = {
  projectId: 'acme-coder',
  domainName: 'spaces.example.com',
  managedZone: 'spaces-example-com',
  bucketName: 'coder-storage-spaces-example-com',
  adminEmail: 'admin@example.com',
};
const secrets = { coderAdminPassword: 'correct-horse-battery-staple' };
const GKE = 'projects/acme-coder/locations/europe-west3-c/clusters/dev-gke';

/**
 * A dry run of a NEW cluster plans the Google Cloud part (network, address,
 * records, GKE, Workload Identity) on the contract servers; the in-cluster
 * actions find the cluster not created yet and log their plan. The backup
 * guard then lists GCS, which this backend has no endpoint for, so the run
 * stops there (the full run against the GCS emulator is
 * coderDevelopmentCluster.planned.dryrun.integration.test.ts).
 */
describe('coder-development-cluster through the scaffolder dry run', () => {
  let env: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    env = await startDryRunBackend();
  });
  afterAll(() => env?.stop());

  it('plans the infrastructure in dependency order from the form defaults, then the in-cluster steps', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, values, secrets),
      secrets,
    );
    expect(res.status).toBe(500);
    expect(res.body.error?.message).toMatch(
      /^coder-platform:postgres:guard: listing backups at gs:\/\/coder-storage-spaces-example-com\/spilo\/dev\/main-postgres-db\/main\/wal\/14 failed: /,
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
    ]);
    // Each in-cluster step planned against the cluster not created yet.
    const planned = res.pluginLog.filter(l => l.includes('is not created yet'));
    expect(planned).toEqual([
      `cluster ${GKE} is not created yet: would install release cert-manager/cert-manager (cert-manager v1.17.4)`,
      `cluster ${GKE} is not created yet: would apply Issuer nginx-ingress/cert-issuer, Certificate nginx-ingress/cluster-cert`,
      `cluster ${GKE} is not created yet: would install release nginx-ingress/nginx-ingress-public (ingress-nginx 4.13.1)`,
      `cluster ${GKE} is not created yet: would install release postgres/postres-operator (postgres-operator 1.14.0)`,
      expect.stringMatching(/is not created yet: would apply /),
      `cluster ${GKE} is not created yet: would check the backups at gs://coder-storage-spaces-example-com/spilo/dev/main-postgres-db/main/wal/14 before postgresql postgres/main-postgres-db`,
    ]);
    const [network, address, dns, gke, , certManager] = started.map(
      s => s.input,
    );
    expect(network).toEqual({
      projectId: 'acme-coder',
      name: 'dev-vpc',
      region: 'europe-west3',
      subnet: {
        name: 'dev-subnet',
        ipCidrRange: '10.55.0.0/24',
        privateIpGoogleAccess: true,
      },
    });
    expect(address.name).toBe('dev-cluster-lb-ip');
    // The A record chains the address step's (planned) address.
    expect(dns.records).toEqual([
      {
        name: 'lb.dev.spaces.example.com.',
        type: 'A',
        ttl: 60,
        rrdatas: ['0.0.0.0'],
      },
      {
        name: '*.dev.spaces.example.com.',
        type: 'CNAME',
        ttl: 60,
        rrdatas: ['lb.dev.spaces.example.com.'],
      },
    ]);
    expect(gke).toMatchObject({
      name: 'dev-gke',
      location: 'europe-west3-c',
      network: 'dev-vpc',
      subnetwork: 'dev-subnet',
      releaseChannel: 'REGULAR',
      versionPrefix: '1.33.',
      networkPolicy: true,
      workloadIdentity: true,
    });
    expect(
      gke.nodePools.map((p: any) => [
        p.name,
        p.machineType,
        p.spot,
        p.minNodeCount,
        p.maxNodeCount,
      ]),
    ).toEqual([
      ['base', 'e2-medium', false, 3, 6],
      ['workspace-spot', 't2d-standard-2', true, 0, 10],
      ['workspace', 't2d-standard-2', false, 0, 10],
    ]);
    // Workload Identity per Kubernetes service account, in the project's pool.
    expect(res.pluginLog.join('\n')).toContain(
      'serviceAccount:acme-coder.svc.id.goog[cert-manager/cert-manager]',
    );
    expect(res.pluginLog.join('\n')).toContain(
      'serviceAccount:acme-coder.svc.id.goog[postgres/postgres-pod]',
    );
    // In-cluster steps name the cluster by its GKE resource name only.
    expect(certManager).toMatchObject({
      cluster: GKE,
      name: 'cert-manager',
      version: 'v1.17.4',
      values: {
        serviceAccount: {
          annotations: {
            'iam.gke.io/gcp-service-account':
              'coder-dns@acme-coder.iam.gserviceaccount.com',
          },
        },
      },
    });
    expect(JSON.stringify(res)).not.toContain(secrets.coderAdminPassword);
  });

  it('renders changed inputs into the same steps (an upgrade is a re-run)', async () => {
    const res = await env.dryRun(
      template,
      formValues(
        template.entity,
        {
          ...values,
          clusterName: 'spring-boot',
          location: 'europe-west3',
          baseSpot: true,
          workspaceMachineType: 't2d-standard-4',
          workspaceMaxNodeCount: 4,
          gkeVersionPrefix: '1.32.',
          certManagerVersion: 'v1.18.2',
        },
        secrets,
      ),
      secrets,
    );
    expect(res.body.error?.message).toMatch(
      /^coder-platform:postgres:guard: listing backups at gs:\/\/coder-storage-spaces-example-com\/spilo\/spring-boot\//,
    );
    const started = startedSteps(res.pluginLog);
    const gke = started.find(s => s.action === 'gcp:gke:cluster')!.input;
    expect(gke).toMatchObject({
      name: 'spring-boot-gke',
      location: 'europe-west3',
      versionPrefix: '1.32.',
      network: 'spring-boot-vpc',
    });
    expect(gke.nodePools[0].spot).toBe(true);
    expect(gke.nodePools[1]).toMatchObject({
      machineType: 't2d-standard-4',
      maxNodeCount: 4,
    });
    expect(started.find(s => s.action === 'helm:release')!.input.version).toBe(
      'v1.18.2',
    );
    expect(
      started.find(s => s.action === 'gcp:dns:record-set')!.input.records[1]
        .name,
    ).toBe('*.spring-boot.spaces.example.com.');
  });

  it('refuses a new cluster without the Coder admin password (400 naming it)', async () => {
    const res = await env.dryRun(template, formValues(template.entity, values));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('coderAdminPassword');
  });

  it('accepts an upgrade without the Coder admin password', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, { ...values, upgrade: true }),
    );
    // Past the form: the same run as above, up to the backup listing.
    expect(res.status).toBe(500);
    expect(res.body.error?.message).toMatch(
      /^coder-platform:postgres:guard: listing backups at gs:\/\/coder-storage-spaces-example-com\/spilo\/dev\//,
    );
    expect(startedSteps(res.pluginLog).map(s => s.action)).toContain(
      'gcp:gke:cluster',
    );
  });
});
