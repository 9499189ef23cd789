import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import {
  BUNDLED_CODER_TEMPLATES,
  BundledCoderTemplate,
  resolveBundledCoderTemplate,
} from './bundledCoderTemplates';
import { tarTemplateDirectory } from './templateArchive';
import { stableStringify } from './util';

const ID = 'coder:template:push';

/** Where the pushed files come from: exactly one of the two inputs. */
export interface PushSourceInput {
  directory?: string;
  template?: BundledCoderTemplate;
}

/** The folder to push and how logs and errors name it. */
export interface PushSource {
  dir: string;
  label: string;
}

/**
 * The folder `coder:template:push` archives: `directory` inside the task
 * workspace, or the bundled template `template` read from the actions
 * package itself (so a resumed task, whose workspace is fresh, still finds
 * it). Exactly one of the two; a directory outside the workspace or missing
 * is refused naming the input.
 */
export async function resolvePushSource(
  workspacePath: string,
  input: PushSourceInput,
): Promise<PushSource> {
  const hasDirectory = Boolean(input.directory);
  const hasTemplate = Boolean(input.template);
  if (hasDirectory === hasTemplate) {
    throw new InputError(
      `${ID}: give exactly one of directory (a folder of the task workspace) or template (a bundled Coder template: ${BUNDLED_CODER_TEMPLATES.join(
        ', ',
      )}); ${hasDirectory ? 'both were given' : 'neither was given'}`,
    );
  }
  if (hasTemplate) {
    if (!BUNDLED_CODER_TEMPLATES.includes(input.template!)) {
      throw new InputError(
        `${ID}: template "${
          input.template
        }" is not a bundled Coder template (${BUNDLED_CODER_TEMPLATES.join(
          ', ',
        )})`,
      );
    }
    return {
      dir: await resolveBundledCoderTemplate(ID, input.template!),
      label: `the bundled template ${input.template}`,
    };
  }
  let dir: string;
  try {
    dir = resolveSafeChildPath(workspacePath, input.directory!);
  } catch {
    throw new InputError(
      `${ID}: directory ${input.directory} leads outside the task workspace`,
    );
  }
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new InputError(
      `${ID}: directory ${input.directory} does not exist in the workspace`,
    );
  }
  return { dir, label: `directory ${input.directory}` };
}

/** A Terraform variable value as Coder's API takes it. */
export interface TemplateVariable {
  name: string;
  value: string;
}

/**
 * The variable values of the push, sorted by name: `variables` as strings
 * plus `secretVariables` read from the task secrets (their values returned
 * too, for masking). A missing task secret is refused naming the variable.
 */
export function pushVariables(
  input: {
    variables?: Record<string, string | number | boolean>;
    secretVariables?: Record<string, string>;
  },
  taskSecrets: Record<string, string> | undefined,
): { variables: TemplateVariable[]; secretValues: string[] } {
  const variables: TemplateVariable[] = Object.entries(
    input.variables ?? {},
  ).map(([name, value]) => ({ name, value: String(value) }));
  const secretValues: string[] = [];
  for (const [name, secretName] of Object.entries(
    input.secretVariables ?? {},
  )) {
    const value = taskSecrets?.[secretName];
    if (value === undefined) {
      throw new InputError(
        `${ID}: secretVariables.${name}: the task secret "${secretName}" is missing`,
      );
    }
    secretValues.push(value);
    variables.push({ name, value });
  }
  variables.sort((a, b) => a.name.localeCompare(b.name));
  return { variables, secretValues };
}

/** The archive Coder receives and the hash its version message carries. */
export interface PushArchive {
  archive: Buffer;
  /** SHA-256 of the archive: the same files give the same bytes. */
  sha256: string;
  files: number;
  /** SHA-256 over the archive, the variables and the provisioner. */
  contentHash: string;
}

/**
 * Archives the source reproducibly: the same files (from the workspace or
 * from the package) give the same archive and, with the same variables
 * and provisioner, the same content hash, so nothing new is pushed.
 */
export async function archivePushSource(
  source: PushSource,
  variables: TemplateVariable[],
  provisioner: string,
): Promise<PushArchive> {
  const { archive, sha256, files } = await tarTemplateDirectory(source.dir);
  const contentHash = createHash('sha256')
    .update(sha256)
    .update(stableStringify(variables))
    .update(provisioner)
    .digest('hex');
  return { archive, sha256, files, contentHash };
}
