import { CoderContractServer } from '@coder-platform/testing';
import { CoderApiError, CoderClient } from './CoderClient';

describe('CoderClient', () => {
  let server: CoderContractServer;
  let token: string;

  beforeEach(async () => {
    server = await CoderContractServer.start();
    token = server.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'correct-horse-battery',
    });
  });

  afterEach(() => server.stop());

  describe('reads', () => {
    it('reads build info without a token', async () => {
      const client = new CoderClient({ baseUrl: server.url });
      const info = await client.getBuildInfo();
      expect(info.version).toMatch(/^v2\.25\.1/);
      expect(server.requests.at(-1)).toEqual({
        method: 'GET',
        path: '/api/v2/buildinfo',
        authenticated: false,
      });
    });

    it('sends the session token as Coder-Session-Token', async () => {
      const client = new CoderClient({
        baseUrl: `${server.url}/`,
        sessionToken: token,
      });
      const [health, stats, me] = await Promise.all([
        client.getHealth({ force: true }),
        client.getDeploymentStats(),
        client.getMe(),
      ]);
      expect(health).toMatchObject({ healthy: true, severity: 'ok' });
      expect(health.database?.latency_ms).toEqual(expect.any(Number));
      expect(stats.workspaces).toMatchObject({ running: 0, failed: 0 });
      expect(stats.session_count).toMatchObject({ ssh: 0 });
      expect(me.username).toBe('admin');
      expect(server.requests.every(r => r.authenticated)).toBe(true);
    });

    it('lists templates, provisioner daemons and workspaces with q/limit/offset', async () => {
      for (const name of ['a', 'b', 'c']) {
        server.addWorkspace({
          name,
          template_name: name === 'c' ? 'other' : 'devbox',
        });
      }
      const client = new CoderClient({
        baseUrl: server.url,
        sessionToken: token,
      });
      await expect(client.getTemplates()).resolves.toEqual([]);
      await expect(
        client.getTemplates({ organization: 'default' }),
      ).resolves.toEqual([]);
      const daemons = await client.getProvisionerDaemons();
      expect(daemons[0]).toMatchObject({
        provisioners: ['terraform'],
        status: 'idle',
      });
      const page = await client.getWorkspaces({
        q: 'template:devbox',
        limit: 1,
        offset: 1,
      });
      expect(page.count).toBe(2);
      expect(page.workspaces.map(w => w.name)).toEqual(['b']);
    });

    it('throws CoderApiError with Coder’s message, never the token', async () => {
      const client = new CoderClient({
        baseUrl: server.url,
        sessionToken: 'wrong-token',
      });
      const error = await client.getDeploymentStats().catch(e => e);
      expect(error).toBeInstanceOf(CoderApiError);
      expect(error.status).toBe(401);
      expect(error.message).toBe(
        'Coder GET /api/v2/deployment/stats failed with HTTP 401: Invalid API key.',
      );
      expect(error.message).not.toContain('wrong-token');
    });

    it('retries reads on 429/5xx with back-off', async () => {
      const answers = [503, 429, 200];
      const fetchImpl = jest.fn(async () => {
        const status = answers.shift()!;
        return new Response(
          status === 200 ? '{"version":"v2"}' : '{"message":"busy"}',
          {
            status,
          },
        );
      });
      const client = new CoderClient({
        baseUrl: 'https://coder.example.com',
        retryDelayMs: 1,
        fetch: fetchImpl as unknown as typeof fetch,
      });
      await expect(client.getBuildInfo()).resolves.toEqual({ version: 'v2' });
      expect(fetchImpl).toHaveBeenCalledTimes(3);
    });

    it('gives up after the configured attempts', async () => {
      const fetchImpl = jest.fn(
        async () => new Response('{"message":"down"}', { status: 502 }),
      );
      const client = new CoderClient({
        baseUrl: 'https://coder.example.com',
        retries: 2,
        retryDelayMs: 1,
        fetch: fetchImpl as unknown as typeof fetch,
      });
      await expect(client.getBuildInfo()).rejects.toThrow('HTTP 502: down');
      expect(fetchImpl).toHaveBeenCalledTimes(2);
    });

    it('rejects an invalid base URL naming it', () => {
      expect(() => new CoderClient({ baseUrl: 'coder.example.com' })).toThrow(
        'Coder URL "coder.example.com" is not a valid URL',
      );
    });

    it('honours an aborted signal', async () => {
      const client = new CoderClient({ baseUrl: server.url });
      await expect(client.getBuildInfo(AbortSignal.abort())).rejects.toThrow();
    });
  });

  describe('writes', () => {
    it('treats an existing first user as already bootstrapped', async () => {
      const client = new CoderClient({ baseUrl: server.url });
      await expect(client.hasFirstUser()).resolves.toBe(true);
      await expect(
        client.createFirstUser({
          email: 'other@example.com',
          username: 'other',
          password: 'another-password',
        }),
      ).resolves.toBeUndefined();
    });

    it('logs in and pushes a template version through its provisioner job', async () => {
      const client = new CoderClient({ baseUrl: server.url });
      const session = await client.login({
        email: 'admin@example.com',
        password: 'correct-horse-battery',
      });
      client.setSessionToken(session);
      const fileId = await client.uploadFile(Buffer.from('tar bytes'));
      await expect(client.uploadFile(Buffer.from('tar bytes'))).resolves.toBe(
        fileId,
      );
      const version = await client.createTemplateVersion('default', {
        file_id: fileId,
        storage_method: 'file',
        provisioner: 'terraform',
        user_variable_values: [{ name: 'namespace', value: 'coder' }],
      });
      expect(version.job.status).toBe('pending');
      let current = version;
      while (!['succeeded', 'failed'].includes(current.job.status)) {
        current = await client.getTemplateVersion(version.id);
      }
      expect(current.job.status).toBe('succeeded');
      const logs = await client.getTemplateVersionLogs(version.id);
      expect(logs.length).toBeGreaterThan(0);
      const after = await client.getTemplateVersionLogs(version.id, {
        after: logs[1].id,
      });
      expect(after).toEqual(logs.slice(2));

      const template = await client.createTemplate('default', {
        name: 'devbox',
        template_version_id: version.id,
      });
      expect(template.active_version_id).toBe(version.id);
      await expect(
        client.getTemplateByName('default', 'devbox'),
      ).resolves.toMatchObject({
        id: template.id,
      });
      await expect(
        client.getTemplateByName('default', 'nope'),
      ).resolves.toBeUndefined();

      const next = await client.createTemplateVersion('default', {
        file_id: fileId,
        storage_method: 'file',
        provisioner: 'terraform',
        template_id: template.id,
      });
      await expect(
        client.promoteTemplateVersion(template.id, next.id),
      ).rejects.toThrow('still being built');
      await client.getTemplateVersion(next.id);
      await client.getTemplateVersion(next.id);
      await client.promoteTemplateVersion(template.id, next.id);
      const templates = await client.getTemplates();
      expect(templates[0].active_version_id).toBe(next.id);
    });

    it('does not retry a login with wrong credentials', async () => {
      const client = new CoderClient({ baseUrl: server.url });
      await expect(
        client.login({ email: 'admin@example.com', password: 'nope' }),
      ).rejects.toThrow('HTTP 401: Incorrect email or password.');
    });
  });
});
