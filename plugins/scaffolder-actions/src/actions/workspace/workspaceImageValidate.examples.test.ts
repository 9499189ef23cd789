import yaml from 'yaml';
import { createWorkspaceImageValidateAction } from './workspaceImageValidate';
import { examples } from './workspaceImageValidate.examples';
import { mockContext } from '../cluster/__testUtils__/context';
import { workspaceOptions } from './__testUtils__/clusterCatalog';

describe('coder-platform:workspace-image:validate examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'accepts "%s" as written, in a dry run and for real, with the same outputs',
    async (_description, example) => {
      const { input } = yaml.parse(example).steps[0];
      const options = workspaceOptions();
      const action = createWorkspaceImageValidateAction(options);
      const dry = mockContext(input, { isDryRun: true });
      await action.handler(dry as any);
      const real = mockContext(input);
      await action.handler(real as any);
      const outputs = Object.fromEntries(real.output.mock.calls);
      expect(Object.fromEntries(dry.output.mock.calls)).toEqual(outputs);
      expect(outputs.name).toBe(input.name);
      expect(outputs.packages).toEqual(input.packages);
      expect(outputs.coderVariables).toEqual({
        image: outputs.image,
        cpu: input.cpu,
        memory_gib: input.memoryGib,
        home_disk_gib: input.homeDiskGib,
        vscode_extensions: input.extensions.join(','),
        docker_enabled: input.docker,
        backup_enabled: input.backup,
        backup_cron: input.backupCron ?? '15 * * * *',
      });
      expect(outputs.image).toBe(
        `${
          input.imageRegistry ??
          `ghcr.io/${new URLSearchParams(input.repoUrl.split('?')[1]).get(
            'owner',
          )}`
        }/${input.name}:latest`,
      );
      expect(outputs.cluster).toBe('dev-eu1');
      expect(outputs.clusterTarget).toBe('dev-eu1');
      // both runs read the cluster entity, the dry run too
      expect(options.catalog.lookups.map(l => l.ref)).toEqual([
        'resource:default/dev-eu1',
        'resource:default/dev-eu1',
      ]);
      expect(real.checkpoint).not.toHaveBeenCalled();
    },
  );
});
