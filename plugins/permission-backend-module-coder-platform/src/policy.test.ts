import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogPermissions } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { scaffolderPermissions } from '@backstage/plugin-scaffolder-common/alpha';
import { coderPlatformPermissions } from '@coder-platform/plugin-coder-platform-common';
import { readPolicyConfig } from './config';
import { CoderPlatformPermissionPolicy } from './policy';
import {
  ADMIN_GROUP_MEMBER,
  ADMIN_USER,
  DEVELOPER,
  directoryUserInfo,
} from './__testUtils__/directory';

const policy = new CoderPlatformPermissionPolicy(
  readPolicyConfig(
    new ConfigReader({
      coderPlatform: {
        permissions: {
          adminGroups: ['group:default/platform-admins'],
          adminUsers: ['user:development/guest'],
        },
      },
    }),
  ),
  directoryUserInfo(),
);

async function decide(permission: Permission, userRef?: string) {
  return policy.handle(
    { permission },
    userRef
      ? {
          credentials: mockCredentials.user(userRef),
          // the policy reads identity through UserInfoService, not this field
          info: {
            userEntityRef: 'user:default/unused',
            ownershipEntityRefs: [],
          },
        }
      : undefined,
  );
}

const byName = (name: string): Permission => {
  const found = [
    ...coderPlatformPermissions,
    ...catalogPermissions,
    ...scaffolderPermissions,
  ].find(p => p.name === name);
  if (!found) throw new Error(`no permission ${name}`);
  return found;
};

const read = (name: string) =>
  createPermission({ name, attributes: { action: 'read' } });

const hiddenAdminTemplates = {
  not: {
    allOf: [
      {
        rule: 'IS_ENTITY_KIND',
        resourceType: 'catalog-entity',
        params: { kinds: ['Template'] },
      },
      {
        rule: 'HAS_METADATA',
        resourceType: 'catalog-entity',
        params: { key: 'tags', value: 'coder-platform-admin' },
      },
    ],
  },
};

const userActions = [
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

/** What a non-admin gets, permission by permission. */
const developerTable: Array<[string, Permission, unknown]> = [
  [
    'coder-platform.cluster.read',
    byName('coder-platform.cluster.read'),
    'ALLOW',
  ],
  ['coder-platform.coder.read', byName('coder-platform.coder.read'), 'ALLOW'],
  [
    'coder-platform.backups.read',
    byName('coder-platform.backups.read'),
    'ALLOW',
  ],
  [
    'coder-platform.releases.read',
    byName('coder-platform.releases.read'),
    'ALLOW',
  ],
  [
    'coder-platform.keycloak.users.read',
    byName('coder-platform.keycloak.users.read'),
    'DENY',
  ],
  [
    'catalog.entity.read',
    byName('catalog.entity.read'),
    {
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: hiddenAdminTemplates,
    },
  ],
  [
    'catalog.entity.refresh',
    byName('catalog.entity.refresh'),
    {
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: hiddenAdminTemplates,
    },
  ],
  [
    'catalog.entity.delete',
    byName('catalog.entity.delete'),
    {
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        allOf: [
          {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: {
              claims: ['user:default/bob', 'group:default/developers'],
            },
          },
          hiddenAdminTemplates,
        ],
      },
    },
  ],
  ['catalog.entity.create', byName('catalog.entity.create'), 'ALLOW'],
  ['catalog.entity.validate', byName('catalog.entity.validate'), 'ALLOW'],
  ['catalog.location.read', byName('catalog.location.read'), 'ALLOW'],
  ['catalog.location.create', byName('catalog.location.create'), 'ALLOW'],
  ['catalog.location.analyze', byName('catalog.location.analyze'), 'ALLOW'],
  ['catalog.location.delete', byName('catalog.location.delete'), 'DENY'],
  ['catalog.ingestion.read', byName('catalog.ingestion.read'), 'ALLOW'],
  ['catalog.ingestion.manage', byName('catalog.ingestion.manage'), 'DENY'],
  ['scaffolder.task.create', byName('scaffolder.task.create'), 'ALLOW'],
  [
    'scaffolder.template.parameter.read',
    byName('scaffolder.template.parameter.read'),
    'ALLOW',
  ],
  [
    'scaffolder.template.step.read',
    byName('scaffolder.template.step.read'),
    'ALLOW',
  ],
  [
    'scaffolder.template.dry-run',
    byName('scaffolder.template.dry-run'),
    'DENY',
  ],
  [
    'scaffolder.template.management',
    byName('scaffolder.template.management'),
    'DENY',
  ],
  [
    'scaffolder.action.execute',
    byName('scaffolder.action.execute'),
    {
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-action',
      conditions: {
        anyOf: userActions.map(actionId => ({
          rule: 'HAS_ACTION_ID',
          resourceType: 'scaffolder-action',
          params: { actionId },
        })),
      },
    },
  ],
  [
    'scaffolder.task.read',
    byName('scaffolder.task.read'),
    {
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-task',
      conditions: {
        rule: 'IS_TASK_OWNER',
        resourceType: 'scaffolder-task',
        params: { createdBy: ['user:default/bob'] },
      },
    },
  ],
  [
    'scaffolder.task.cancel',
    byName('scaffolder.task.cancel'),
    {
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-task',
      conditions: {
        rule: 'IS_TASK_OWNER',
        resourceType: 'scaffolder-task',
        params: { createdBy: ['user:default/bob'] },
      },
    },
  ],
  // not named by the policy: plain reads of core plugins pass, the rest is denied
  ['unknown search read', read('search.query.read'), 'ALLOW'],
  ['unknown notifications read', read('notifications.list.read'), 'ALLOW'],
  ['unknown signals read', read('signals.channel.read'), 'ALLOW'],
  [
    'unknown catalog update',
    createPermission({
      name: 'catalog.entity.update',
      attributes: { action: 'update' },
    }),
    'DENY',
  ],
  [
    'unknown core resource read',
    createPermission({
      name: 'catalog.secret.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-secret',
    }),
    'DENY',
  ],
  ['unknown plugin read', read('kubernetes.resources.read'), 'DENY'],
  [
    'unknown coder-platform permission',
    read('coder-platform.audit.read'),
    'DENY',
  ],
  [
    'unknown basic permission',
    createPermission({ name: 'devtools.administer', attributes: {} }),
    'DENY',
  ],
];

const everyPermission = developerTable.map(
  ([name, permission]) => [name, permission] as const,
);

describe('CoderPlatformPermissionPolicy decision table', () => {
  it.each(developerTable)(
    'developer × %s',
    async (_name, permission, expected) => {
      const decision = await decide(permission, DEVELOPER);
      expect(decision).toEqual(
        typeof expected === 'string'
          ? { result: AuthorizeResult[expected as 'ALLOW' | 'DENY'] }
          : { result: AuthorizeResult.CONDITIONAL, ...(expected as object) },
      );
    },
  );

  it.each(everyPermission)(
    'admin by group membership × %s → ALLOW',
    async (_name, permission) => {
      expect(await decide(permission, ADMIN_GROUP_MEMBER)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    },
  );

  it.each(everyPermission)(
    'admin by user ref × %s → ALLOW',
    async (_name, permission) => {
      expect(await decide(permission, ADMIN_USER)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    },
  );

  it.each(everyPermission)(
    'no signed-in user × %s → DENY',
    async (_name, permission) => {
      expect(await decide(permission)).toEqual({
        result: AuthorizeResult.DENY,
      });
    },
  );

  it('matches admin refs case-insensitively, as the catalog does', async () => {
    const shouting = new CoderPlatformPermissionPolicy(
      readPolicyConfig(
        new ConfigReader({
          coderPlatform: {
            permissions: { adminGroups: ['Group:Default/Platform-Admins'] },
          },
        }),
      ),
      directoryUserInfo(),
    );
    const decision = await shouting.handle(
      { permission: byName('coder-platform.keycloak.users.read') },
      {
        credentials: mockCredentials.user(ADMIN_GROUP_MEMBER),
        info: { userEntityRef: ADMIN_GROUP_MEMBER, ownershipEntityRefs: [] },
      },
    );
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies scaffolder actions outright when userActions is empty', async () => {
    const closed = new CoderPlatformPermissionPolicy(
      readPolicyConfig(
        new ConfigReader({
          coderPlatform: { permissions: { userActions: [] } },
        }),
      ),
      directoryUserInfo(),
    );
    const decision = await closed.handle(
      { permission: byName('scaffolder.action.execute') },
      {
        credentials: mockCredentials.user(DEVELOPER),
        info: { userEntityRef: DEVELOPER, ownershipEntityRefs: [] },
      },
    );
    expect(decision).toEqual({ result: AuthorizeResult.DENY });
  });
});

describe('the catalog condition, applied by the catalog rules', () => {
  const authorize = createConditionAuthorizer(Object.values(permissionRules));
  const entity = (kind: string, name: string, tags: string[]): Entity => ({
    apiVersion:
      kind === 'Template'
        ? 'scaffolder.backstage.io/v1beta3'
        : 'backstage.io/v1alpha1',
    kind,
    metadata: { name, tags },
    spec: {},
  });

  it.each([
    [
      'an admin-tagged Template',
      entity('Template', 'coder-development-cluster', [
        'coder',
        'coder-platform-admin',
      ]),
      false,
    ],
    [
      'an untagged Template',
      entity('Template', 'workspace-image', ['coder', 'workspace']),
      true,
    ],
    [
      'a Component carrying the tag',
      entity('Component', 'docs', ['coder-platform-admin']),
      true,
    ],
    ['a Resource', entity('Resource', 'dev-eu1', []), true],
  ])('a developer reading %s', async (_name, resource, visible) => {
    const decision = await decide(byName('catalog.entity.read'), DEVELOPER);
    expect(authorize(decision as ConditionalPolicyDecision, resource)).toBe(
      visible,
    );
  });
});
