import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ADMIN_GROUP_MEMBER,
  ADMIN_USER,
  DEVELOPER,
} from './__testUtils__/directory';
import {
  helmReleaseRuns,
  startPolicyBackend,
  waitForCatalog,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

type TaskEvent = { type: string; body: { message?: string; status?: string } };

describe('the policy in front of the real scaffolder', () => {
  let server: any;

  beforeAll(async () => {
    server = await startPolicyBackend({ scaffolder: true });
    await waitForCatalog(server, ADMIN_GROUP_MEMBER);
  });

  const as = (userRef: string) => mockCredentials.user.header(userRef);

  async function createTask(userRef: string, template: string, name: string) {
    return request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', as(userRef))
      .send({ templateRef: `template:default/${template}`, values: { name } });
  }

  /** Runs a task to its end and returns its final status and log messages. */
  async function runTask(userRef: string, template: string, name: string) {
    const created = await createTask(userRef, template, name);
    expect(created.status).toBe(201);
    const taskId: string = created.body.id;
    for (let attempt = 0; attempt < 600; attempt++) {
      const task = await request(server)
        .get(`/api/scaffolder/v2/tasks/${taskId}`)
        .set('Authorization', as(userRef));
      expect(task.status).toBe(200);
      if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
        const events = await request(server)
          .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
          .set('Authorization', as(userRef));
        const messages = (events.body as TaskEvent[])
          .map(e => e.body.message ?? '')
          .join('\n');
        return { taskId, status: task.body.status as string, messages };
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`task ${taskId} of ${template} did not finish`);
  }

  it('a developer runs the workspace-image template', async () => {
    const result = await runTask(DEVELOPER, 'workspace-image', 'bob-image');
    expect(result.status).toBe('completed');
    expect(result.messages).toContain('image bob-image');
  });

  it.each(['coder-development-cluster', 'postgres-restore'])(
    'a developer cannot start the admin template %s: it does not exist for them',
    async template => {
      const created = await createTask(DEVELOPER, template, 'bob-cluster');
      expect(created.status).toBe(404);
      expect(helmReleaseRuns).not.toContainEqual({ name: 'bob-cluster' });
    },
  );

  it('a developer cannot execute helm:release, even from a template they can see', async () => {
    const result = await runTask(
      DEVELOPER,
      'untagged-provisioning',
      'bob-release',
    );
    expect(result.status).toBe('failed');
    expect(result.messages).toContain('before the release');
    expect(result.messages).toContain(
      'Unauthorized action: helm:release. The action is not allowed.',
    );
    expect(helmReleaseRuns).not.toContainEqual({ name: 'bob-release' });
  });

  it.each([
    [ADMIN_GROUP_MEMBER, 'coder-development-cluster', 'alice-cluster'],
    [ADMIN_USER, 'untagged-provisioning', 'guest-release'],
  ])(
    '%s runs %s and its helm:release step',
    async (userRef, template, name) => {
      const result = await runTask(userRef, template, name);
      expect(result.status).toBe('completed');
      expect(helmReleaseRuns).toContainEqual({ name });
    },
  );

  it("a developer neither reads nor lists an admin's task", async () => {
    const { taskId } = await runTask(ADMIN_USER, 'postgres-restore', 'x');
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${taskId}`)
      .set('Authorization', as(DEVELOPER));
    expect(task.status).toBe(403);

    const list = await request(server)
      .get('/api/scaffolder/v2/tasks')
      .set('Authorization', as(DEVELOPER));
    expect(list.status).toBe(200);
    const creators = new Set(
      list.body.tasks.map((t: { createdBy: string }) => t.createdBy),
    );
    expect([...creators]).toEqual([DEVELOPER]);

    const adminList = await request(server)
      .get('/api/scaffolder/v2/tasks')
      .set('Authorization', as(ADMIN_USER));
    expect(adminList.body.tasks.map((t: { id: string }) => t.id)).toContain(
      taskId,
    );
  });

  it('template dry-run and management are for admins only', async () => {
    const dryRun = (userRef: string) =>
      request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', as(userRef))
        .send({
          template: {
            apiVersion: 'scaffolder.backstage.io/v1beta3',
            kind: 'Template',
            metadata: { name: 'dry' },
            spec: {
              type: 'service',
              steps: [
                {
                  id: 'log',
                  action: 'debug:log',
                  input: { message: 'dry' },
                },
              ],
            },
          },
          values: {},
          directoryContents: [],
        });
    expect((await dryRun(DEVELOPER)).status).toBe(403);
    expect((await dryRun(ADMIN_GROUP_MEMBER)).status).toBe(200);
  });
});
