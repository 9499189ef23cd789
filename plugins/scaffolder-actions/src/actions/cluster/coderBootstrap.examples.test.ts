import { ConfigReader } from '@backstage/config';
import { CoderContractServer } from '@coder-platform/testing';
import yaml from 'yaml';
import { createCoderBootstrapAction } from './coderBootstrap';
import { examples } from './coderBootstrap.examples';
import { mockContext } from './__testUtils__/context';
import { fakeKubeConfig, startFakeKube } from './__testUtils__/fakeKube';

describe('coder:bootstrap examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as a dry run',
    async (_description, example) => {
      const coder = await CoderContractServer.start();
      const kube = await startFakeKube();
      try {
        const action = createCoderBootstrapAction({
          config: new ConfigReader(fakeKubeConfig(kube.url)),
        });
        const input = yaml.parse(example).steps[0].input;
        input.url = coder.url;
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
      } finally {
        await coder.stop();
        await kube.stop();
      }
    },
  );
});
