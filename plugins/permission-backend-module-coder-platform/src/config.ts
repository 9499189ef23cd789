import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/** The tag (in `metadata.tags`) that marks a Template entity as platform-admin only. */
export const ADMIN_TEMPLATE_TAG = 'coder-platform-admin';

/**
 * Scaffolder actions that provision or destroy infrastructure, or read and
 * write credentials: platform admins only, whatever `userActions` says.
 * An entry ending in `:` is a prefix (every `gcp:*` action), any other entry
 * is one action id.
 */
export const PROVISIONING_ACTIONS: readonly string[] = [
  'gcp:',
  'kubernetes:',
  'helm:',
  'keycloak:',
  'coder:bootstrap',
  'coder-platform:postgres:guard',
];

/**
 * Scaffolder actions everyone may execute by default: what the
 * `workspace-image` template needs (render, publish, register, push the Coder
 * template) plus workspace-local helpers. None reaches infrastructure.
 */
export const DEFAULT_USER_ACTIONS: readonly string[] = [
  'fetch:plain',
  'fetch:plain:file',
  'fetch:template',
  'fetch:template:file',
  'publish:github',
  'catalog:register',
  'catalog:write',
  'catalog:fetch',
  'coder:template:push',
  'coder:template:fetch',
  'coder-platform:workspace-image:validate',
  'debug:log',
  'fs:rename',
  'fs:delete',
  'fs:readdir',
];

/** The policy's settings, read once at start-up from `coderPlatform.permissions`. */
export interface PolicyConfig {
  /** Normalised (lower-case) group refs whose members are platform admins. */
  adminGroups: string[];
  /** Normalised (lower-case) user refs who are platform admins. */
  adminUsers: string[];
  /** Action ids non-admins may execute; never a provisioning action. */
  userActions: string[];
}

/** True when `actionId` is one of {@link PROVISIONING_ACTIONS}. */
export function isProvisioningAction(actionId: string): boolean {
  return PROVISIONING_ACTIONS.some(entry =>
    entry.endsWith(':') ? actionId.startsWith(entry) : actionId === entry,
  );
}

/** Entity refs compare case-insensitively; the policy compares lower-case full refs. */
export function normalizeRef(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

function readRefs(
  config: Config,
  key: 'adminGroups' | 'adminUsers',
  kind: 'group' | 'user',
): string[] {
  const field = `coderPlatform.permissions.${key}`;
  const values = config.getOptionalStringArray(key) ?? [];
  return values.map((value, index) => {
    let ref;
    try {
      ref = parseEntityRef(value.trim(), {
        defaultKind: kind,
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new InputError(
        `${field}[${index}] ${JSON.stringify(value)} is not an entity ref: ${
          (error as Error).message
        }`,
      );
    }
    if (ref.kind.toLocaleLowerCase('en-US') !== kind) {
      throw new InputError(
        `${field}[${index}] ${JSON.stringify(
          value,
        )} must be a ${kind} ref (${kind}:<namespace>/<name>), not kind "${
          ref.kind
        }"`,
      );
    }
    return normalizeRef(stringifyEntityRef(ref));
  });
}

function readUserActions(config: Config): string[] {
  const field = 'coderPlatform.permissions.userActions';
  const values = config.getOptionalStringArray('userActions');
  if (values === undefined) return [...DEFAULT_USER_ACTIONS];
  return values.map((value, index) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9:._-]*$/.test(value)) {
      throw new InputError(
        `${field}[${index}] ${JSON.stringify(
          value,
        )} is not a scaffolder action id (letters, digits, ':', '.', '_', '-'; no wildcards)`,
      );
    }
    if (isProvisioningAction(value)) {
      throw new InputError(
        `${field}[${index}] "${value}" is a provisioning action (${PROVISIONING_ACTIONS.map(
          entry => (entry.endsWith(':') ? `${entry}*` : entry),
        ).join(', ')}): only platform admins may execute it`,
      );
    }
    return value;
  });
}

/** Reads and validates `coderPlatform.permissions`; errors name the offending field. */
export function readPolicyConfig(rootConfig: Config): PolicyConfig {
  const config = rootConfig.getOptionalConfig('coderPlatform.permissions');
  if (!config) {
    return {
      adminGroups: [],
      adminUsers: [],
      userActions: [...DEFAULT_USER_ACTIONS],
    };
  }
  return {
    adminGroups: readRefs(config, 'adminGroups', 'group'),
    adminUsers: readRefs(config, 'adminUsers', 'user'),
    userActions: readUserActions(config),
  };
}
