import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoderContractServer } from '@coder-platform/testing';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { examples } from './coderTemplatePush.examples';
import { mockContext } from './__testUtils__/context';
import { renderExampleInputs } from './__testUtils__/examples';
import { fakeKubeConfig, startFakeKube } from './__testUtils__/fakeKube';

describe('coder:template:push examples', () => {
  const mockDir = createMockDirectory();

  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" against the contract server',
    async (_description, example) => {
      const coder = await CoderContractServer.start();
      const token = coder.seedFirstUser({
        email: 'admin@example.com',
        username: 'admin',
        password: 'admin-password',
      });
      const kube = await startFakeKube({
        // Written by coder:bootstrap (the model's default Secret, labelled managed).
        'coder/coder-session-token': { 'session-token': token },
      });
      try {
        const action = createCoderTemplatePushAction({
          config: new ConfigReader(
            fakeKubeConfig(kube.url, { coder: { url: coder.url } }),
          ),
          pollIntervalMs: 5,
        });
        const [input] = renderExampleInputs('coder:template:push', example);
        // A directory example pushes what an earlier step wrote; a
        // template example needs nothing in the workspace.
        mockDir.setContent(
          input.directory
            ? { [`${input.directory}/main.tf`]: '# devbox\n' }
            : {},
        );
        const ctx = mockContext(input, {
          workspacePath: mockDir.path,
          secrets: { resticPasswordPrefix: 'prefix-secret' },
        });
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('created', true);
        expect(coder.templateNames()).toEqual([input.name]);
        expect(coder.versionCount()).toBe(1);
        // The recorded mutations: upload, version, template; none twice.
        expect(
          coder.requests
            .filter(r => r.method !== 'GET')
            .map(r => `${r.method} ${r.path}`),
        ).toEqual([
          'POST /api/v2/files',
          'POST /api/v2/organizations/default/templateversions',
          'POST /api/v2/organizations/default/templates',
        ]);
        expect(
          kube.requests.filter(
            r => r.method === 'GET' && r.path.includes('/secrets/'),
          ),
        ).toEqual([
          expect.objectContaining({
            path: '/api/v1/namespaces/coder/secrets/coder-session-token',
          }),
        ]);
        expect(kube.writes()).toEqual([]);
      } finally {
        await coder.stop();
        await kube.stop();
      }
    },
  );
});
