import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './workspaceImageValidate.examples';
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

/** A short, escaped view of a refused value: never raw newlines or 10 kB. */
function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  const shown = JSON.stringify(
    text.length > 40 ? `${text.slice(0, 40)}…` : text,
  );
  return text.length > 40 ? `${shown} (${text.length} characters)` : shown;
}

class Problems {
  readonly list: string[] = [];
  add(field: string, reason: string) {
    this.list.push(`${field}: ${reason}`);
  }
  string(
    field: string,
    value: unknown,
    pattern: string,
    rule: string,
    { optional = false, max = 255 }: { optional?: boolean; max?: number } = {},
  ) {
    if (value === undefined || value === null || value === '') {
      if (!optional) this.add(field, 'is required');
      return undefined;
    }
    if (typeof value === 'string' && value.length > max) {
      this.add(field, `${preview(value)} is longer than ${max} characters`);
      return undefined;
    }
    if (typeof value !== 'string' || !new RegExp(pattern).test(value)) {
      this.add(field, `${preview(value)} is not ${rule}`);
      return undefined;
    }
    return value;
  }
  list_(
    field: string,
    value: unknown,
    pattern: string,
    rule: string,
    max: number,
  ) {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.add(field, 'must be a list');
      return [];
    }
    if (value.length > max)
      this.add(field, `at most ${max} entries, got ${value.length}`);
    const seen = new Set<string>();
    const accepted: string[] = [];
    value.slice(0, max).forEach((item, index) => {
      const ok = this.string(`${field}[${index}]`, item, pattern, rule);
      if (ok === undefined) return;
      if (seen.has(ok.toLowerCase()))
        this.add(`${field}[${index}]`, `"${ok}" is listed twice`);
      seen.add(ok.toLowerCase());
      accepted.push(ok);
    });
    return accepted;
  }
  number(
    field: string,
    value: unknown,
    limits: { min: number; max: number; step?: number },
    unit: string,
  ) {
    const step = limits.step ?? 1;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.add(field, `${preview(value)} is not a number`);
      return undefined;
    }
    if (
      value < limits.min ||
      value > limits.max ||
      !Number.isInteger(value / step)
    ) {
      this.add(
        field,
        `${value} is not ${
          step === 1 ? 'a whole number' : `a multiple of ${step}`
        } of ${unit} between ${limits.min} and ${limits.max}`,
      );
      return undefined;
    }
    return value;
  }
  boolean(field: string, value: unknown) {
    if (typeof value !== 'boolean') {
      this.add(field, `${preview(value)} is not true or false`);
      return undefined;
    }
    return value;
  }
}

/**
 * `coder-platform:workspace-image:validate`: the first step of the
 * workspace-image template. It refuses a request before anything renders,
 * naming every refused field, and outputs the values the later steps use:
 * the Dockerfile inputs, the image the pipeline publishes, and the Coder
 * template's variables. Pure: no network, nothing written.
 */
export function createWorkspaceImageValidateAction() {
  return createTemplateAction({
    id: ID,
    description:
      'Validates a workspace-image request (name, base image, apt packages, VS Code extensions, sizes, cron, owner, cluster, repository) and outputs the values the render and push steps use. Refuses hostile values naming the field; touches nothing.',
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
            .describe('Whether home directories are backed up with restic'),
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
              'Entity ref of the coder-cluster Resource, e.g. resource:default/dev-eu1',
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
        cluster: z => z.string().describe('Entity ref of the cluster Resource'),
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
              'Variables of templates/workspace-image/coder-template for coder:template:push',
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
        'a Resource entity ref such as resource:default/dev-eu1',
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
        } extensions; image ${image}; Coder template ${name} (cpu ${cpu}, ${memoryGib} GiB, docker ${
          docker ? 'on' : 'off'
        }, backup ${backup ? backupCron : 'off'})`,
      );
      ctx.output('name', name!);
      ctx.output('description', description);
      ctx.output('owner', owner!);
      ctx.output('baseImage', baseImage!);
      ctx.output('packages', packages);
      ctx.output('extensions', extensions);
      ctx.output('cluster', cluster!);
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
