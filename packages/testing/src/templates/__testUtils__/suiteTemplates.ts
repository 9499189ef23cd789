import type { RootConfigService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createCatalogRegisterAction,
  createCatalogWriteAction,
  createDebugLogAction,
  createFetchCatalogEntityAction,
  createFetchPlainAction,
  createFetchTemplateAction,
} from '@backstage/plugin-scaffolder-backend';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  createCatalogActions,
  createClusterActions,
  createGcpActions,
  createWorkspaceActions,
} from '@coder-platform/plugin-scaffolder-backend-module-coder-platform';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseDocument } from 'yaml';

/** The repository's `templates/` folder. */
export const TEMPLATES_DIR = path.resolve(
  __dirname,
  '../../../../../templates',
);

/** One software template of the suite, as `templates/all.yaml` lists it. */
export interface SuiteTemplate {
  name: string;
  /** Folder of the template (its skeleton and the base of relative fetches). */
  dir: string;
  file: string;
  text: string;
  /** The parsed entity; absent when the file is not valid YAML. */
  entity: any;
  /** Why the file could not be parsed. */
  error?: string;
}

/** Every template `templates/all.yaml` lists, parsed. */
export function loadSuiteTemplates(): SuiteTemplate[] {
  const location = parse(
    fs.readFileSync(path.join(TEMPLATES_DIR, 'all.yaml'), 'utf8'),
  );
  return (location.spec.targets as string[]).map(target => {
    const file = path.resolve(TEMPLATES_DIR, target);
    const text = fs.readFileSync(file, 'utf8');
    const doc = parseDocument(text);
    const error = doc.errors[0]?.message;
    const entity = error ? undefined : doc.toJS();
    return {
      name: entity?.metadata?.name ?? path.basename(path.dirname(file)),
      dir: path.dirname(file),
      file,
      text,
      entity,
      error,
    };
  });
}

/** A template of the suite by name. */
export function suiteTemplate(name: string): SuiteTemplate {
  const found = loadSuiteTemplates().find(t => t.name === name);
  if (!found) throw new Error(`templates/all.yaml lists no template ${name}`);
  return found;
}

/**
 * Actions the templates use that do not come from our actions module. The
 * scaffolder's own built-ins are instantiated (their real schemas); the
 * GitHub module's pull-request action is installed in packages/backend but
 * is not a dependency of this package, so its outputs are listed by hand
 * from its source (`ctx.output` calls of publish:github:pull-request).
 */
export const EXTERNAL_ACTION_OUTPUTS: Record<string, string[]> = {
  'publish:github:pull-request': [
    'targetBranchName',
    'remoteUrl',
    'pullRequestNumber',
  ],
  'publish:github': ['remoteUrl', 'repoContentsUrl', 'commitHash'],
  // A built-in without an output schema: its handler's ctx.output calls.
  'catalog:register': ['entityRef', 'catalogInfoUrl'],
};

/** The scaffolder built-in actions the suite's templates may use. */
export function builtinActions(): TemplateAction<any, any, any>[] {
  const none = {} as any;
  return [
    createFetchPlainAction({ reader: none, integrations: none }),
    createFetchTemplateAction({ reader: none, integrations: none }),
    createCatalogRegisterAction({ catalog: none, integrations: none } as any),
    createCatalogWriteAction(),
    createFetchCatalogEntityAction({ catalog: none } as any),
    createDebugLogAction(),
  ] as TemplateAction<any, any, any>[];
}

/** Every action of our actions module (the factories the module registers). */
export function suiteActions(
  options: {
    config?: RootConfigService;
    authClient?: any;
    /** The CatalogService coder-platform:catalog:unregister calls (none: schemas only). */
    catalog?: any;
  } = {},
): TemplateAction<any, any, any>[] {
  const config = options.config ?? mockServices.rootConfig();
  return [
    ...createGcpActions({ config, authClient: options.authClient }),
    ...createClusterActions({ config, authClient: options.authClient }),
    // schemas only: the catalog is never read here
    ...createWorkspaceActions({ config, catalog: {} as any }),
    ...createCatalogActions({ catalog: options.catalog ?? ({} as any) }),
  ];
}

/** Output property names an action declares (its JSON schema's properties). */
export function outputNames(action: TemplateAction<any, any, any>): string[] {
  const schema = action.schema?.output as
    | { properties?: Record<string, unknown> }
    | undefined;
  return Object.keys(schema?.properties ?? {});
}

/** `${{ steps.x.output.y }}` and `steps['x'].output.y` references in a text. */
export function stepOutputReferences(
  text: string,
): { step: string; output: string }[] {
  const refs: { step: string; output: string }[] = [];
  const patterns = [
    /steps\.([A-Za-z0-9_]+)\.output\.([A-Za-z0-9_]+)/g,
    /steps\[\s*['"]([^'"]+)['"]\s*\]\.output\.([A-Za-z0-9_]+)/g,
  ];
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      refs.push({ step: m[1], output: m[2] });
    }
  }
  return refs;
}

/** Every property schema of a parameter page, also inside dependencies. */
export function pageProperties(
  page: any,
): Array<{ name: string; schema: any }> {
  const found: Array<{ name: string; schema: any }> = [];
  const visit = (schema: any, prefix: string) => {
    for (const [name, prop] of Object.entries<any>(schema?.properties ?? {})) {
      found.push({ name: `${prefix}${name}`, schema: prop });
      if (prop?.type === 'object') visit(prop, `${prefix}${name}.`);
    }
    for (const dep of Object.values<any>(schema?.dependencies ?? {})) {
      for (const branch of dep?.oneOf ?? dep?.anyOf ?? [dep]) {
        visit(branch, prefix);
      }
    }
  };
  visit(page, '');
  return found;
}

/** Names of the form fields (all pages) that are `ui:field: Secret`. */
export function secretFields(entity: any): string[] {
  return (entity.spec.parameters as any[])
    .flatMap(pageProperties)
    .filter(p => p.schema?.['ui:field'] === 'Secret')
    .map(p => p.name);
}

/** Top-level form field names of every page (including dependency branches). */
export function parameterNames(entity: any): string[] {
  return [
    ...new Set(
      (entity.spec.parameters as any[])
        .flatMap(pageProperties)
        .map(p => p.name.split('.')[0]),
    ),
  ];
}

/**
 * The values the scaffolder form submits: every top-level default of every
 * page (the form fills them in; the dry-run API does not), then `values`.
 */
export function formValues(
  entity: any,
  values: Record<string, unknown>,
  /** Secrets typed into ui:field Secret fields: the form sends them masked. */
  secrets: Record<string, string> = {},
): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const page of entity.spec.parameters as any[]) {
    for (const [name, prop] of Object.entries<any>(page.properties ?? {})) {
      if (prop?.default !== undefined) defaults[name] = prop.default;
    }
  }
  const masked = Object.fromEntries(
    Object.entries(secrets).map(([k, v]) => [k, '*'.repeat(v.length)]),
  );
  return { ...defaults, ...values, ...masked };
}
