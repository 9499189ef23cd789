import {
  renderedInputs,
  skippedSteps,
  startDryRunBackend,
  stepMessages,
} from './__testUtils__/dryRunBackend';
import { formValues, suiteTemplate } from './__testUtils__/suiteTemplates';

// Cloud DNS's client (via @google-cloud/common) sends requests with
// teeny-request 10, whose dynamic import() of node-fetch jest cannot run;
// teeny-request 11 (same API, node:http transport) replaces it in this test,
// as in the actions' own DNS tests. Production code is unchanged.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

jest.setTimeout(120_000);

const template = suiteTemplate('gcp-project-bootstrap');
const values = {
  projectId: 'acme-coder',
  domainName: 'spaces.example.com',
  managedZone: 'spaces-example-com',
  bucketName: 'coder-storage-spaces-example-com',
};

describe('gcp-project-bootstrap through the scaffolder dry run', () => {
  let env: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    env = await startDryRunBackend();
  });
  afterAll(() => env?.stop());

  it('plans every step, scoped to the bucket and the zone, with no key and no mutation', async () => {
    const res = await env.dryRun(template, formValues(template.entity, values));
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    const log = res.body.log;
    expect(res.body.steps!.map(s => s.id)).toEqual([
      'apis',
      'bucket',
      'zone',
      'automation',
      'dns-account',
      'storage-account',
      'bucket-roles',
      'zone-roles',
      'workload-identity-admin',
      'node-account-user',
    ]);
    // Without a project number there is no node service account binding.
    expect(skippedSteps(log)).toEqual(['node-account-user']);

    const inputs = renderedInputs(log);
    expect(inputs.bucket).toEqual([
      {
        projectId: 'acme-coder',
        name: 'coder-storage-spaces-example-com',
        location: 'europe-west3',
      },
    ]);
    expect(inputs.zone).toEqual([
      {
        projectId: 'acme-coder',
        name: 'spaces-example-com',
        dnsName: 'spaces.example.com',
      },
    ]);
    // Least privilege: no project-wide storage or DNS role, no JSON key.
    expect(inputs.automation[0].projectRoles).toEqual([
      'roles/compute.networkAdmin',
      'roles/compute.securityAdmin',
      'roles/container.admin',
    ]);
    for (const id of ['automation', 'dns-account', 'storage-account']) {
      expect(inputs[id][0]).not.toHaveProperty('key');
    }
    expect(inputs['dns-account'][0].projectRoles).toBeUndefined();
    expect(inputs['storage-account'][0].projectRoles).toBeUndefined();
    expect(inputs['bucket-roles'][0]).toEqual({
      projectId: 'acme-coder',
      resourceType: 'bucket',
      resource: 'coder-storage-spaces-example-com',
      bindings: [
        {
          role: 'roles/storage.objectAdmin',
          members: [
            'serviceAccount:coder-storage@acme-coder.iam.gserviceaccount.com',
            'serviceAccount:coder-automation@acme-coder.iam.gserviceaccount.com',
          ],
        },
      ],
    });
    expect(inputs['zone-roles'][0]).toMatchObject({
      resourceType: 'managedZone',
      resource: 'spaces-example-com',
      bindings: [{ role: 'roles/dns.admin' }],
    });
    // The grants each step plans (the contract servers hold nothing yet).
    expect(stepMessages(log, 'bucket-roles').join('\n')).toMatch(
      /roles\/storage\.objectAdmin/,
    );
    // A dry run changes nothing upstream.
    const mutations = Object.keys(env.gcp.calls.byRpc()).filter(
      rpc => !/\.(batch)?(get|list)[A-Za-z]*$/i.test(rpc),
    );
    expect(mutations).toEqual([]);

    expect(res.body.output!.text[0].content).toContain(
      'delegate **spaces.example.com**',
    );
  });

  it('binds the node service account only for a given project number', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, { ...values, projectNumber: '123456789012' }),
    );
    expect(res.status).toBe(200);
    expect(skippedSteps(res.body.log)).toEqual([]);
    expect(renderedInputs(res.body.log)['node-account-user'][0]).toEqual({
      projectId: 'acme-coder',
      resourceType: 'serviceAccount',
      resource: '123456789012-compute@developer.gserviceaccount.com',
      bindings: [
        {
          role: 'roles/iam.serviceAccountUser',
          members: [
            'serviceAccount:coder-automation@acme-coder.iam.gserviceaccount.com',
          ],
        },
      ],
    });
  });

  it('refuses values the form would refuse (400 naming the field)', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, { ...values, bucketName: 'Bad_Bucket!' }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('bucketName');
  });
});
