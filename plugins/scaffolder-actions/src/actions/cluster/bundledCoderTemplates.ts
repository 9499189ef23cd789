import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readdir } from 'node:fs/promises';
import type { Z } from './inputProperties';

/**
 * The Coder templates (Terraform) this package ships, by name: the one list
 * coder:template:fetch (copy into the workspace) and coder:template:push
 * (push straight from the package) both accept. Each is a folder under
 * `coder-templates/` of the package (listed in its package.json `files`, so
 * a built backend bundle has them too).
 */
export const BUNDLED_CODER_TEMPLATES = ['devbox'] as const;

/** A bundled Coder template's name. */
export type BundledCoderTemplate = (typeof BUNDLED_CODER_TEMPLATES)[number];

/** The folder of a bundled Coder template on this machine. */
export function bundledCoderTemplatePath(name: BundledCoderTemplate): string {
  return resolvePackagePath(
    '@coder-platform/plugin-scaffolder-backend-module-coder-platform',
    'coder-templates',
    name,
  );
}

/** The `template` input of both actions: one of the bundled templates. */
export function bundledTemplateInput(z: Z) {
  return z.enum(BUNDLED_CODER_TEMPLATES);
}

/**
 * The folder of a bundled template, checked to exist and hold files; the
 * error names the action and what the package must ship.
 */
export async function resolveBundledCoderTemplate(
  actionId: string,
  name: BundledCoderTemplate,
): Promise<string> {
  const source = bundledCoderTemplatePath(name);
  const entries = await readdir(source).catch((error: Error) => {
    throw new Error(
      `${actionId}: the bundled Coder template "${name}" is missing at ${source} (${error.message}); the package @coder-platform/plugin-scaffolder-backend-module-coder-platform must ship its coder-templates folder`,
    );
  });
  if (entries.length === 0) {
    throw new Error(
      `${actionId}: the bundled Coder template "${name}" at ${source} has no files`,
    );
  }
  return source;
}
