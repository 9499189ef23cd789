import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_USER_ACTIONS,
  isProvisioningAction,
  readPolicyConfig,
} from './config';

const permissions = (value: object) =>
  new ConfigReader({ coderPlatform: { permissions: value } });

/** Every action of plugins/scaffolder-actions that provisions or reads credentials. */
const provisioningActions = [
  'gcp:services:enable',
  'gcp:iam:service-account',
  'gcp:iam:binding',
  'gcp:storage:prefix-delete',
  'gcp:storage:bucket',
  'gcp:dns:managed-zone',
  'gcp:dns:record-set',
  'gcp:compute:network',
  'gcp:compute:address',
  'gcp:gke:cluster',
  'kubernetes:apply',
  'kubernetes:secret',
  'kubernetes:delete',
  'helm:release',
  'keycloak:realm',
  'keycloak:client',
  'keycloak:group',
  'coder:bootstrap',
  'coder-platform:postgres:guard',
];

describe('readPolicyConfig', () => {
  it('normalises refs, accepting the short forms the catalog accepts', () => {
    expect(
      readPolicyConfig(
        permissions({
          adminGroups: ['group:default/Platform-Admins', 'sre'],
          adminUsers: ['user:development/guest', 'alice'],
        }),
      ),
    ).toEqual({
      adminGroups: ['group:default/platform-admins', 'group:default/sre'],
      adminUsers: ['user:development/guest', 'user:default/alice'],
      userActions: DEFAULT_USER_ACTIONS,
    });
  });

  it('has no admins and the default actions when the section is absent', () => {
    expect(readPolicyConfig(new ConfigReader({}))).toEqual({
      adminGroups: [],
      adminUsers: [],
      userActions: DEFAULT_USER_ACTIONS,
    });
  });

  it.each([
    [
      { adminGroups: ['user:default/alice'] },
      'coderPlatform.permissions.adminGroups[0] "user:default/alice" must be a group ref',
    ],
    [
      { adminUsers: ['guest', 'group:default/admins'] },
      'coderPlatform.permissions.adminUsers[1] "group:default/admins" must be a user ref',
    ],
    [
      { adminGroups: ['group:default/'] },
      'coderPlatform.permissions.adminGroups[0] "group:default/" is not an entity ref',
    ],
    [
      { userActions: ['debug:log', 'fetch:*'] },
      'coderPlatform.permissions.userActions[1] "fetch:*" is not a scaffolder action id',
    ],
    [
      { userActions: ['helm:release'] },
      'coderPlatform.permissions.userActions[0] "helm:release" is a provisioning action',
    ],
  ])('refuses %j naming the field', (value, message) => {
    expect(() => readPolicyConfig(permissions(value))).toThrow(message);
  });

  it('rejects a list where a string belongs, naming the key', () => {
    expect(() =>
      readPolicyConfig(permissions({ adminGroups: 'group:default/admins' })),
    ).toThrow(/adminGroups/);
  });
});

describe('provisioning actions', () => {
  it.each(provisioningActions)('%s is provisioning', id => {
    expect(isProvisioningAction(id)).toBe(true);
    expect(DEFAULT_USER_ACTIONS).not.toContain(id);
  });

  it.each(['coder:template:push', 'fetch:template', 'catalog:register'])(
    '%s is not',
    id => {
      expect(isProvisioningAction(id)).toBe(false);
    },
  );
});
