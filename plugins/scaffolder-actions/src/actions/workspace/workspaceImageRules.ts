/**
 * What a workspace-image request may contain. The same patterns are in
 * `templates/workspace-image/template.yaml` (the form, and the JSON-schema
 * check the scaffolder runs when a task is created); the validate action
 * applies them again because a template can be written without them, and
 * adds the checks a pattern cannot express (ranges inside cron fields,
 * duplicates, list sizes). Every pattern refuses whitespace other than the
 * single spaces it names, newlines, quotes and shell metacharacters, so no
 * accepted value can end a `RUN` line or a YAML scalar.
 */

/** Repository, image and Coder template name: 3-32 characters (Coder caps template names at 32). */
export const NAME_PATTERN = '^[a-z][a-z0-9-]{1,30}[a-z0-9]$';

/**
 * An image reference as the distribution spec defines it: optional registry
 * host[:port], lowercase path components, optional tag, optional digest.
 */
export const IMAGE_REFERENCE_PATTERN =
  '^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$';
export const IMAGE_REFERENCE_MAX = 255;

/** A Debian package name (Debian policy 5.6.1): lowercase letters, digits, + - . ; at least two characters. */
export const APT_PACKAGE_PATTERN = '^[a-z0-9][a-z0-9+.-]{1,99}$';
export const APT_PACKAGES_MAX = 50;

/** A VS Code extension id, `publisher.name`. */
export const EXTENSION_ID_PATTERN =
  '^[A-Za-z0-9][A-Za-z0-9-]{0,99}\\.[A-Za-z0-9][A-Za-z0-9-]{0,99}$';
export const EXTENSIONS_MAX = 30;

/** One line of plain prose: letters, digits, spaces and . , : ( ) / + _ - */
export const DESCRIPTION_PATTERN = '^[A-Za-z0-9 .,:()/+_-]{0,200}$';

/** A Group or User entity ref, as OwnerPicker produces. */
export const OWNER_PATTERN =
  '^(?:(?:group|user):)?(?:[a-z0-9][a-z0-9_.-]{0,62}/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';

/**
 * An entity ref, as EntityPicker produces (`resource:default/dev-eu1`). Any
 * kind passes the pattern: the validate step looks the entity up and refuses
 * anything but a `coder-cluster` Resource by what the catalog says.
 */
export const CLUSTER_REF_PATTERN =
  '^(?:[A-Za-z][A-Za-z0-9-]{0,62}:)?(?:[a-z0-9][a-z0-9_.-]{0,62}/)?[a-z0-9][a-z0-9_.-]{0,62}$';

/** A repository location as RepoUrlPicker produces: host?owner=..&repo=.. (any order). */
export const REPO_URL_PATTERN =
  '^[a-z0-9][a-z0-9.-]*(?::[0-9]{1,5})?\\?(?:owner=[A-Za-z0-9_.-]{1,100}&repo=[A-Za-z0-9_.-]{1,100}|repo=[A-Za-z0-9_.-]{1,100}&owner=[A-Za-z0-9_.-]{1,100})$';

/** Five cron fields of digits, `*`, `/`, `,` and `-`, single spaces between. */
export const CRON_PATTERN = '^[0-9*/,-]{1,40}(?: [0-9*/,-]{1,40}){4}$';

/** Numeric limits of the form (the Coder template's variables validate the same ranges). */
export const LIMITS = {
  cpu: { min: 0.5, max: 16, step: 0.5 },
  memoryGib: { min: 1, max: 64 },
  homeDiskGib: { min: 1, max: 500 },
  ttlHours: { min: 1, max: 168 },
} as const;

const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

/**
 * Checks the numbers inside a five-field cron expression that already
 * matches {@link CRON_PATTERN}; returns what is wrong, or undefined.
 */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.split(' ');
  for (const [index, field] of fields.entries()) {
    const { name, min, max } = CRON_FIELDS[index];
    for (const part of field.split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!match) return `${name} field "${field}" is not a cron list`;
      const [, , from, to, step] = match;
      const numbers = [from, to].filter(Boolean).map(Number);
      if (numbers.some(n => n < min || n > max)) {
        return `${name} field "${field}" is outside ${min}-${max}`;
      }
      if (numbers.length === 2 && numbers[0] > numbers[1]) {
        return `${name} field "${field}" has a range that runs backwards`;
      }
      if (step !== undefined && Number(step) === 0) {
        return `${name} field "${field}" has a step of 0`;
      }
    }
  }
  return undefined;
}

/** Registry host[:port] and namespace the image is pushed to, e.g. ghcr.io/acme. */
export const REGISTRY_PATTERN =
  '^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*){0,3}$';
