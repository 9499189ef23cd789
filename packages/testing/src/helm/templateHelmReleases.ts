import { parse } from 'yaml';

/** A `helm:release` step of a software template, its input rendered. */
export interface TemplateHelmRelease {
  /** The step id, e.g. `cert-manager`. */
  stepId: string;
  /** The step's `input` with `${{ ... }}` expressions replaced. */
  input: Record<string, any>;
}

/** What `${{ ... }}` expressions of a template resolve against. */
export interface TemplateRenderContext {
  parameters: Record<string, unknown>;
  /** Step outputs, e.g. `{ address: { output: { address: '10.0.0.1' } } }`. */
  steps?: Record<string, { output: Record<string, unknown> }>;
}

function steps(templateYaml: string): any[] {
  return parse(templateYaml)?.spec?.steps ?? [];
}

/**
 * The `default` of every form field of the template (all parameter pages),
 * e.g. `{ certManagerVersion: 'v1.17.4', clusterName: 'dev', ... }`.
 */
export function templateParameterDefaults(
  templateYaml: string,
): Record<string, unknown> {
  const pages = parse(templateYaml)?.spec?.parameters ?? [];
  const defaults: Record<string, unknown> = {};
  for (const page of [].concat(pages) as any[]) {
    for (const [name, field] of Object.entries<any>(page?.properties ?? {})) {
      if (field && 'default' in field) defaults[name] = field.default;
    }
  }
  return defaults;
}

/**
 * The chart versions the template pins by default: for every `helm:release`
 * step whose `version` is `${{ parameters.<name> }}`, the default of that
 * form field, keyed by chart name (e.g. `{ 'cert-manager': 'v1.17.4' }`).
 */
export function templateChartVersions(
  templateYaml: string,
): Record<string, string> {
  const defaults = templateParameterDefaults(templateYaml);
  const versions: Record<string, string> = {};
  for (const step of steps(templateYaml)) {
    if (step.action !== 'helm:release') continue;
    const { chart, version } = step.input ?? {};
    const match = /^\$\{\{\s*parameters\.(\w+)\s*\}\}$/.exec(
      String(version ?? ''),
    );
    const pinned = match ? defaults[match[1]] : version;
    if (typeof pinned !== 'string') {
      throw new Error(
        `templateChartVersions: step ${step.id} (${chart}) has no default version (${version})`,
      );
    }
    versions[String(chart).split('/').pop()!] = pinned;
  }
  return versions;
}

function lookup(path: string, context: TemplateRenderContext): unknown {
  const [root, ...rest] = path.split('.');
  let value: any;
  if (root === 'parameters') value = context.parameters;
  if (root === 'steps') value = context.steps;
  if (value === undefined) {
    throw new Error(`renderTemplateValue: unsupported expression ${path}`);
  }
  for (const key of rest) {
    value = value?.[key];
    if (value === undefined) {
      throw new Error(`renderTemplateValue: ${path} is not given`);
    }
  }
  return value;
}

/** A literal of an expression: JSON, with single-quoted strings allowed. */
function literal(text: string): unknown {
  try {
    return JSON.parse(text.trim().replace(/'/g, '"'));
  } catch {
    throw new Error(
      `renderTemplateValue: "${text.trim()}" is not a literal this renderer evaluates`,
    );
  }
}

function evaluate(expression: string, context: TemplateRenderContext) {
  const expr = expression.trim();
  if (/^[\w.]+$/.test(expr)) return lookup(expr, context);
  // `<then> if [not] <path> else <else>`, e.g. the template's
  // `${{ ['alertmanager-smtp'] if parameters.smtpEnabled else [] }}`.
  const conditional =
    /^([\s\S]+?)\s+if\s+(not\s+)?([\w.]+)\s+else\s+([\s\S]+)$/.exec(expr);
  if (conditional) {
    const [, then, not, path, otherwise] = conditional;
    const truthy = Boolean(lookup(path, context)) !== Boolean(not);
    return literal(truthy ? then : otherwise);
  }
  throw new Error(
    `renderTemplateValue: unsupported expression \${{ ${expr} }}`,
  );
}

/**
 * Replaces the `${{ ... }}` expressions of a template value: dotted paths
 * into `parameters` and `steps` (`${{ steps.address.output.address }}`), and
 * `<literal> if [not] <path> else <literal>`. A string that is one
 * expression takes the value's type (as the scaffolder does); expressions
 * inside a string are interpolated. Anything else (filters, calls, ...)
 * throws naming it: this is a deliberately small renderer, not nunjucks.
 */
export function renderTemplateValue(
  value: unknown,
  context: TemplateRenderContext,
): unknown {
  if (Array.isArray(value)) {
    return value.map(v => renderTemplateValue(v, context));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        renderTemplateValue(v, context),
      ]),
    );
  }
  if (typeof value !== 'string') return value;
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value);
  if (whole && !whole[1].includes('}}')) return evaluate(whole[1], context);
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression) =>
    String(evaluate(expression, context)),
  );
}

/**
 * The `helm:release` steps of a template with their inputs rendered against
 * `context` (e.g. the form defaults with sample project values), in order.
 */
export function templateHelmReleases(
  templateYaml: string,
  context: TemplateRenderContext,
): TemplateHelmRelease[] {
  return steps(templateYaml)
    .filter(step => step.action === 'helm:release')
    .map(step => ({
      stepId: step.id,
      input: renderTemplateValue(step.input ?? {}, context) as Record<
        string,
        any
      >,
    }));
}
