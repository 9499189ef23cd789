import yaml from 'yaml';
import { createWorkspaceImageValidateAction } from './workspaceImageValidate';
import { examples } from './workspaceImageValidate.examples';
import { mockContext } from '../cluster/__testUtils__/context';
import {
  clusterResource,
  MemoryCatalog,
  workspaceOptions,
} from './__testUtils__/clusterCatalog';

const GKE = 'projects/acme-dev/locations/europe-west1/clusters/dev-eu2';

/** The clusters the examples name: dev-eu1 (configured) and dev-eu2 (discovered on GKE). */
const catalog = () =>
  new MemoryCatalog().add(clusterResource('dev-eu1')).add({
    kind: 'Resource',
    metadata: {
      name: 'dev-eu2',
      namespace: 'platform',
      annotations: {
        'coder-platform.io/cluster': 'dev-eu2',
        'coder-platform.io/gke-cluster': GKE,
        'coder-platform.io/backup-bucket': 'acme-coder-backups',
        'coder-platform.io/restic-prefix': 'coder/dev-eu2',
      },
    },
    spec: { type: 'coder-cluster' },
  });

describe('coder-platform:workspace-image:validate examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'accepts "%s" as written, in a dry run and for real, with the same outputs',
    async (_description, example) => {
      const { input } = yaml.parse(example).steps[0];
      const options = workspaceOptions(catalog());
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
      const discovered = input.cluster === 'resource:platform/dev-eu2';
      expect(outputs.cluster).toBe(discovered ? 'dev-eu2' : 'dev-eu1');
      expect(outputs.clusterEntityRef).toBe(input.cluster);
      expect(outputs.clusterTarget).toBe(discovered ? GKE : 'dev-eu1');
      expect(outputs.resticRepositoryPrefix).toBe(
        `gs:acme-coder-backups:/coder/${outputs.cluster}`,
      );
      // both runs read the cluster entity, the dry run too
      expect(options.catalog.lookups.map(l => l.ref)).toEqual([
        input.cluster,
        input.cluster,
      ]);
      expect(real.checkpoint).not.toHaveBeenCalled();
    },
  );
});
