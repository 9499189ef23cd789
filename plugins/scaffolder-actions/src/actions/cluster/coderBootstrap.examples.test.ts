import { ConfigReader } from '@backstage/config';
import { CoderContractServer } from '@coder-platform/testing';
import { createCoderBootstrapAction } from './coderBootstrap';
import { examples } from './coderBootstrap.examples';
import { mockContext } from './__testUtils__/context';
import { renderExampleInputs } from './__testUtils__/examples';
import { fakeKubeConfig, startFakeKube } from './__testUtils__/fakeKube';

describe('coder:bootstrap examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as a dry run',
    async (_description, example) => {
      const coder = await CoderContractServer.start();
      const kube = await startFakeKube();
      try {
        const action = createCoderBootstrapAction({
          config: new ConfigReader(
            fakeKubeConfig(kube.url, { coder: { url: coder.url } }),
          ),
        });
        const [input] = renderExampleInputs('coder:bootstrap', example);
        const ctx = mockContext(input, {
          isDryRun: true,
          secrets: { coderAdminPassword: 'pa55word-admin' },
        });
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith(
          'secretName',
          `${input.secret.namespace}/${input.secret.name}`,
        );
        expect(kube.writes()).toEqual([]);
        expect(coder.requests.map(r => `${r.method} ${r.path}`)).toEqual([
          'GET /api/v2/users/first',
        ]);
      } finally {
        await coder.stop();
        await kube.stop();
      }
    },
  );
});
