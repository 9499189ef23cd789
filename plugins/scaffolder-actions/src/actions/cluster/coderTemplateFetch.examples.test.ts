import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoderContractServer } from '@coder-platform/testing';
import { readdirSync } from 'node:fs';
import yaml from 'yaml';
import {
  bundledCoderTemplatePath,
  createCoderTemplateFetchAction,
} from './coderTemplateFetch';
import { examples } from './coderTemplateFetch.examples';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { mockContext } from './__testUtils__/context';
import { renderExampleInputs } from './__testUtils__/examples';
import { fakeKubeConfig, startFakeKube } from './__testUtils__/fakeKube';

jest.setTimeout(60_000);

describe('coder:template:fetch examples', () => {
  const mockDir = createMockDirectory();

  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as written: the bundled files, then the push of them to the contract server, twice',
    async (_description, example) => {
      const coder = await CoderContractServer.start();
      const token = coder.seedFirstUser({
        email: 'admin@example.com',
        username: 'admin',
        password: 'admin-password',
      });
      const kube = await startFakeKube({
        'coder/coder-session-token': { 'session-token': token },
      });
      try {
        const fetch = createCoderTemplateFetchAction();
        const push = createCoderTemplatePushAction({
          config: new ConfigReader(
            fakeKubeConfig(kube.url, { coder: { url: coder.url } }),
          ),
          pollIntervalMs: 5,
        });
        mockDir.clear();
        const run = async () => {
          const [fetchInput] = renderExampleInputs(
            'coder:template:fetch',
            example,
          );
          const fetched = mockContext(fetchInput, {
            workspacePath: mockDir.path,
          });
          await fetch.handler(fetched);
          const outputs = Object.fromEntries(fetched.output.mock.calls);
          const [pushInput] = renderExampleInputs(
            'coder:template:push',
            example,
            { "steps['fetch-devbox'].output.targetPath": outputs.targetPath },
          );
          const pushed = mockContext(pushInput, {
            workspacePath: mockDir.path,
          });
          await push.handler(pushed);
          return {
            outputs,
            pushed: Object.fromEntries(pushed.output.mock.calls),
          };
        };

        const first = await run();
        const { input } = yaml.parse(example).steps[0];
        const bundled = readdirSync(bundledCoderTemplatePath(input.template));
        expect(first.outputs.targetPath).toBe(input.targetPath);
        expect(first.outputs.files).toEqual([...bundled].sort());
        expect(
          Object.keys(
            mockDir.content({
              path: input.targetPath,
              shouldReadAsText: true,
            })!,
          ),
        ).toEqual(expect.arrayContaining(bundled));
        expect(first.pushed).toMatchObject({ created: true, changed: true });
        expect(coder.templateNames()).toEqual(['devbox']);

        // The same bytes again: nothing new in Coder.
        const second = await run();
        expect(second.outputs).toEqual(first.outputs);
        expect(second.pushed).toMatchObject({ created: false, changed: false });
        expect(coder.versionCount()).toBe(1);
      } finally {
        await coder.stop();
        await kube.stop();
      }
    },
  );
});
