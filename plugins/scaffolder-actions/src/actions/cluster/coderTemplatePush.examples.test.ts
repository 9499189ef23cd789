import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoderContractServer } from '@coder-platform/testing';
import yaml from 'yaml';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { examples } from './coderTemplatePush.examples';
import { mockContext } from './__testUtils__/context';
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
        'coder/coder-admin-session': { 'session-token': token },
      });
      try {
        const action = createCoderTemplatePushAction({
          config: new ConfigReader(fakeKubeConfig(kube.url)),
          pollIntervalMs: 5,
        });
        const input = yaml.parse(example).steps[0].input;
        input.url = coder.url;
        mockDir.setContent({ [`${input.directory}/main.tf`]: '# devbox\n' });
        const ctx = mockContext(input, {
          workspacePath: mockDir.path,
          secrets: { resticPasswordPrefix: 'prefix-secret' },
        });
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('created', true);
        expect(coder.templateNames()).toEqual([input.name]);
        expect(kube.writes()).toEqual([]);
      } finally {
        await coder.stop();
        await kube.stop();
      }
    },
  );
});
