import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  bundledTemplateInput,
  resolveBundledCoderTemplate,
} from './bundledCoderTemplates';
import { examples } from './coderTemplateFetch.examples';

export {
  BUNDLED_CODER_TEMPLATES,
  bundledCoderTemplatePath,
} from './bundledCoderTemplates';
export type { BundledCoderTemplate } from './bundledCoderTemplates';

/** Every file below `dir`, as sorted paths relative to it (POSIX separators). */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), {
    withFileTypes: true,
  });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files.sort();
}

/**
 * Resolves a path of the task workspace, refusing absolute paths and any
 * that leads outside it (also through a symlink an earlier step wrote).
 */
function insideWorkspace(workspacePath: string, relative: string): string {
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative)) {
    throw new InputError(
      `coder:template:fetch: targetPath "${relative}" must be a path relative to the task workspace`,
    );
  }
  try {
    return resolveSafeChildPath(workspacePath, relative);
  } catch {
    throw new InputError(
      `coder:template:fetch: targetPath "${relative}" leads outside the task workspace`,
    );
  }
}

/**
 * `coder:template:fetch`: copies one of the Coder templates this package
 * ships (Terraform, never rendered from input) into the task workspace, for
 * `coder:template:push` or for a repository the template publishes. It
 * writes in a dry run too (the dry-run workspace is the task's own), and a
 * re-run writes the same bytes again. No checkpoint: a resumed task starts
 * with a fresh workspace, so the files must be written again.
 */
export function createCoderTemplateFetchAction() {
  return createTemplateAction({
    id: 'coder:template:fetch',
    description:
      'Copies a Coder template (Terraform) bundled with the Coder Platform actions into the task workspace, e.g. the devbox template for coder:template:push. The files are copied as they are, never rendered.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        template: z =>
          bundledTemplateInput(z).describe(
            'Bundled Coder template: devbox (code-server, Docker sidecar, restic home backups; every choice a Terraform variable of coder:template:push)',
          ),
        targetPath: z =>
          z
            .string()
            .min(1)
            .max(200)
            .refine(v => !v.includes('\0'), 'must not contain NUL')
            .describe(
              'Folder inside the task workspace receiving the files, e.g. coder-template; relative, never outside the workspace',
            ),
      },
      output: {
        targetPath: z =>
          z
            .string()
            .describe(
              'The folder written, relative to the workspace (the directory input of coder:template:push)',
            ),
        files: z =>
          z
            .array(z.string())
            .describe('Files written, relative to targetPath, sorted'),
        contentSha256: z =>
          z
            .string()
            .describe(
              'SHA-256 over the file names and contents: the same on every run of the same suite version',
            ),
      },
    },
    async handler(ctx) {
      const { input, logger } = ctx;
      const target = insideWorkspace(ctx.workspacePath, input.targetPath);
      const source = await resolveBundledCoderTemplate(
        'coder:template:fetch',
        input.template,
      );
      const files = await listFiles(source);
      if (files.length === 0) {
        throw new Error(
          `coder:template:fetch: the bundled Coder template "${input.template}" at ${source} has no files`,
        );
      }
      const digest = createHash('sha256');
      for (const file of files) {
        const content = await readFile(path.join(source, file));
        digest.update(`${file}\0${content.length}\0`).update(content);
        // Resolved per file: a symlink an earlier step left in the
        // workspace must not lead a write outside it.
        const to = insideWorkspace(
          ctx.workspacePath,
          path.join(input.targetPath, ...file.split('/')),
        );
        await mkdir(path.dirname(to), { recursive: true });
        await writeFile(to, content);
      }
      const relative =
        path.relative(ctx.workspacePath, target).split(path.sep).join('/') ||
        '.';
      logger.info(
        `${ctx.isDryRun ? 'dry run: ' : ''}copied the Coder template ${
          input.template
        } (${files.length} files) to ${relative}`,
      );
      ctx.output('targetPath', relative);
      ctx.output('files', files);
      ctx.output('contentSha256', digest.digest('hex'));
    },
  });
}
