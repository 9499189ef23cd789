import { InputError } from '@backstage/errors';
import {
  CODER_PLATFORM_BACKUP_BUCKET_ANNOTATION,
  CODER_PLATFORM_RESTIC_PREFIX_ANNOTATION,
} from '@coder-platform/plugin-coder-platform-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ClusterActionsOptions, clusterModel } from '../cluster/clusterAccess';
import { examples } from './workspaceImageValidate.examples';
import { Problems } from './workspaceImageProblems';
import {
  resolveWorkspaceCluster,
  WorkspaceCatalog,
} from './workspaceImageCluster';
import {
  APT_PACKAGE_PATTERN,
  APT_PACKAGES_MAX,
  CLUSTER_REF_PATTERN,
  cronProblem,
  CRON_PATTERN,
  DESCRIPTION_PATTERN,
  EXTENSION_ID_PATTERN,
  EXTENSIONS_MAX,
  IMAGE_REFERENCE_MAX,
  IMAGE_REFERENCE_PATTERN,
  LIMITS,
  NAME_PATTERN,
  OWNER_PATTERN,
  REGISTRY_PATTERN,
  REPO_URL_PATTERN,
} from './workspaceImageRules';

const ID = 'coder-platform:workspace-image:validate';

/** What the workspace-image actions need. */
export interface WorkspaceActionsOptions extends ClusterActionsOptions {
  /** The scaffolder's catalog service; the cluster entity is read with the initiator's credentials. */
  catalog: WorkspaceCatalog;
}

/**
 * `coder-platform:workspace-image:validate`: the first step of the
 * workspace-image template. It refuses a request before anything renders,
 * naming every refused field, checks the picked cluster entity in the
 * catalog against the one cluster model, and outputs the values the later
 * steps use: the Dockerfile inputs, the resolved cluster, the image the
 * pipeline publishes, and the Coder template's variables. Reads only
 * (the catalog), writes nothing, so it runs the same in a dry run.
 */
export function createWorkspaceImageValidateAction(
  options: WorkspaceActionsOptions,
) {
  return createTemplateAction({
    id: ID,
    description:
      'Validates a workspace-image request (name, base image, apt packages, VS Code extensions, sizes, cron, owner, cluster, repository), looks the cluster Resource up in the catalog and resolves it against the configured and allowed clusters, and outputs the values the render and push steps use. Refuses hostile values and unknown or wrong-kind clusters naming the field; writes nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .unknown()
            .describe(
              'Repository, image and Coder template name, e.g. java-training',
            ),
        description: z =>
          z
            .unknown()
            .optional()
            .describe('One line of plain prose: what the workspace is for'),
        owner: z =>
          z
            .unknown()
            .describe(
              'Owning group or user entity ref, e.g. group:default/developers',
            ),
        baseImage: z =>
          z
            .unknown()
            .describe(
              'Debian or Ubuntu based image to start from, e.g. ubuntu:24.04',
            ),
        packages: z =>
          z.unknown().optional().describe('apt package names to install'),
        extensions: z =>
          z
            .unknown()
            .optional()
            .describe(
              'VS Code extension ids (publisher.name) code-server installs',
            ),
        cpu: z =>
          z.unknown().describe('CPU limit in cores (0.5 to 16, steps of 0.5)'),
        memoryGib: z => z.unknown().describe('Memory limit in GiB (1 to 64)'),
        homeDiskGib: z =>
          z.unknown().describe('Default home volume size in GiB (1 to 500)'),
        docker: z =>
          z
            .unknown()
            .describe('Whether workspaces get the privileged Docker sidecar'),
        backup: z =>
          z
            .unknown()
            .describe(
              'Whether home directories are backed up with restic; needs the cluster Resource annotated with coder-platform.io/backup-bucket and coder-platform.io/restic-prefix',
            ),
        backupCron: z =>
          z
            .unknown()
            .optional()
            .describe(
              'Five-field cron schedule of the backup (required when backup is on)',
            ),
        ttlHours: z =>
          z.unknown().describe('Default workspace TTL in hours (1 to 168)'),
        cluster: z =>
          z
            .unknown()
            .describe(
              "Entity ref of the coder-cluster Resource, e.g. resource:default/dev-eu1; looked up in the catalog with the initiator's credentials",
            ),
        repoUrl: z =>
          z
            .unknown()
            .describe('Repository location, host?owner=<owner>&repo=<repo>'),
        imageRegistry: z =>
          z
            .unknown()
            .optional()
            .describe(
              'Registry and namespace the pipeline pushes to; default ghcr.io/<repository owner>',
            ),
      },
      output: {
        name: z => z.string().describe('The accepted name'),
        description: z =>
          z.string().describe('The accepted description (may be empty)'),
        owner: z => z.string().describe('The owner entity ref'),
        baseImage: z => z.string().describe('The base image reference'),
        packages: z =>
          z.array(z.string()).describe('apt packages, in request order'),
        extensions: z => z.array(z.string()).describe('VS Code extension ids'),
        cluster: z =>
          z
            .string()
            .describe(
              'The cluster name (coder-platform.io/cluster of the picked Resource), e.g. dev-eu1',
            ),
        clusterEntityRef: z =>
          z
            .string()
            .describe(
              'The picked coder-cluster Resource, normalised, e.g. resource:default/dev-eu1',
            ),
        clusterTarget: z =>
          z
            .string()
            .describe(
              'The cluster input of coder:template:push: the configured cluster name, or the GKE resource name of a discovered cluster',
            ),
        resticRepositoryPrefix: z =>
          z
            .string()
            .describe(
              "restic_repository_prefix of the Coder template, gs:<bucket>:/<prefix> from the cluster Resource's coder-platform.io/backup-bucket and coder-platform.io/restic-prefix; empty when it has none (backup must then be off)",
            ),
        repoOwner: z => z.string().describe('Owner part of repoUrl'),
        image: z =>
          z
            .string()
            .describe(
              'Image the pipeline publishes and workspaces run, e.g. ghcr.io/acme/java-training:latest',
            ),
        imageRepository: z =>
          z
            .string()
            .describe(
              'The image without its tag, e.g. ghcr.io/acme/java-training',
            ),
        registryHost: z =>
          z
            .string()
            .describe('Registry host the pipeline logs in to, e.g. ghcr.io'),
        coderTemplateName: z =>
          z.string().describe('Name of the Coder template'),
        defaultTtlMs: z =>
          z.number().describe('Default workspace TTL in milliseconds'),
        coderVariables: z =>
          z
            .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
            .describe(
              'Variables of the bundled devbox Coder template (coder:template:fetch) for coder:template:push',
            ),
      },
    },
    async handler(ctx) {
      const input = ctx.input as Record<string, unknown>;
      const p = new Problems();
      const name = p.string(
        'name',
        input.name,
        NAME_PATTERN,
        'a name of 3-32 lowercase letters, digits and dashes, starting with a letter',
      );
      const description =
        p.string(
          'description',
          input.description,
          DESCRIPTION_PATTERN,
          'one line of at most 200 letters, digits, spaces and . , : ( ) / + _ -',
          { optional: true },
        ) ?? '';
      const owner = p.string(
        'owner',
        input.owner,
        OWNER_PATTERN,
        'a group or user entity ref',
      );
      const baseImage = p.string(
        'baseImage',
        input.baseImage,
        IMAGE_REFERENCE_PATTERN,
        'an image reference such as ubuntu:24.04 or ghcr.io/acme/base:1.2',
        { max: IMAGE_REFERENCE_MAX },
      );
      const packages = p.list_(
        'packages',
        input.packages,
        APT_PACKAGE_PATTERN,
        'a Debian package name (lowercase letters, digits, + - .)',
        APT_PACKAGES_MAX,
      );
      const extensions = p.list_(
        'extensions',
        input.extensions,
        EXTENSION_ID_PATTERN,
        'a VS Code extension id publisher.name',
        EXTENSIONS_MAX,
      );
      const cpu = p.number('cpu', input.cpu, LIMITS.cpu, 'cores');
      const memoryGib = p.number(
        'memoryGib',
        input.memoryGib,
        LIMITS.memoryGib,
        'GiB',
      );
      const homeDiskGib = p.number(
        'homeDiskGib',
        input.homeDiskGib,
        LIMITS.homeDiskGib,
        'GiB',
      );
      const ttlHours = p.number(
        'ttlHours',
        input.ttlHours,
        LIMITS.ttlHours,
        'hours',
      );
      const docker = p.boolean('docker', input.docker);
      const backup = p.boolean('backup', input.backup);
      const backupCron = p.string(
        'backupCron',
        input.backupCron,
        CRON_PATTERN,
        'a five-field cron expression such as 15 * * * *',
        { optional: backup !== true },
      );
      const cronIssue = backupCron ? cronProblem(backupCron) : undefined;
      if (cronIssue) p.add('backupCron', cronIssue);
      const cluster = p.string(
        'cluster',
        input.cluster,
        CLUSTER_REF_PATTERN,
        'an entity ref such as resource:default/dev-eu1',
      );
      const repoUrl = p.string(
        'repoUrl',
        input.repoUrl,
        REPO_URL_PATTERN,
        'a repository location host?owner=<owner>&repo=<repo>',
      );
      const imageRegistry = p.string(
        'imageRegistry',
        input.imageRegistry,
        REGISTRY_PATTERN,
        'a registry and namespace such as ghcr.io/acme',
        { optional: true, max: 200 },
      );
      const repoOwner = repoUrl
        ? new URLSearchParams(repoUrl.split('?')[1]).get('owner')!
        : undefined;

      if (p.list.length > 0) {
        throw new InputError(
          `${ID}: the request was refused before anything was rendered: ${p.list.join(
            '; ',
          )}`,
        );
      }
      const resolved = await resolveWorkspaceCluster(cluster!, {
        catalog: options.catalog,
        model: clusterModel(options),
        credentials: await ctx.getInitiatorCredentials(),
      });
      if (backup && !resolved.resticRepositoryPrefix) {
        throw new InputError(
          `${ID}: the request was refused before anything was rendered: backup: home backup is on, but the cluster Resource ${resolved.entityRef} ${resolved.resticProblem}, so workspaces have no restic repository; turn backup off, or annotate the Resource with ${CODER_PLATFORM_BACKUP_BUCKET_ANNOTATION} (the GCS bucket) and ${CODER_PLATFORM_RESTIC_PREFIX_ANNOTATION} (e.g. coder/${resolved.name}), as the coder-development-cluster template registers it`,
        );
      }
      const imageRepository = `${
        imageRegistry ?? `ghcr.io/${repoOwner!.toLowerCase()}`
      }/${name}`;
      const image = `${imageRepository}:latest`;
      const coderVariables = {
        image,
        cpu: cpu!,
        memory_gib: memoryGib!,
        home_disk_gib: homeDiskGib!,
        vscode_extensions: extensions.join(','),
        docker_enabled: docker!,
        backup_enabled: backup!,
        backup_cron: backupCron ?? '15 * * * *',
      };
      ctx.logger.info(
        `${name}: ${baseImage} with ${packages.length} apt packages and ${
          extensions.length
        } extensions; image ${image}; Coder template ${name} on cluster ${
          resolved.name
        } (${resolved.entityRef}, ${
          resolved.source === 'config'
            ? 'coderPlatform.clusters'
            : resolved.target
        }; cpu ${cpu}, ${memoryGib} GiB, docker ${
          docker ? 'on' : 'off'
        }, backup ${backup ? backupCron : 'off'})`,
      );
      ctx.output('name', name!);
      ctx.output('description', description);
      ctx.output('owner', owner!);
      ctx.output('baseImage', baseImage!);
      ctx.output('packages', packages);
      ctx.output('extensions', extensions);
      ctx.output('cluster', resolved.name);
      ctx.output('clusterEntityRef', resolved.entityRef);
      ctx.output('clusterTarget', resolved.target);
      ctx.output(
        'resticRepositoryPrefix',
        resolved.resticRepositoryPrefix ?? '',
      );
      ctx.output('repoOwner', repoOwner!);
      ctx.output('image', image);
      ctx.output('imageRepository', imageRepository);
      ctx.output('registryHost', imageRepository.split('/')[0]);
      ctx.output('coderTemplateName', name!);
      ctx.output('defaultTtlMs', ttlHours! * 3_600_000);
      ctx.output('coderVariables', coderVariables);
    },
  });
}
