import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// test only: the real coder-platform plugin behind the real policy
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import coderPlatformPlugin from '@coder-platform/plugin-coder-platform-backend';
import path from 'node:path';
import request from 'supertest';
import { permissionModuleCoderPlatformPolicy } from '../module';
import { directoryUserInfo } from './directory';

/**
 * The mock auth service of backend-test-utils, except that a token a plugin
 * gets on behalf of a user names the plugin as actor, as real plugin tokens
 * do. The real permission backend refuses conditional queries from a user
 * without an actor (direct browser calls), so without this every catalog read
 * through the real permission backend would answer 400.
 */
const actorAwareAuthFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    const auth: AuthService = {
      authenticate: (token, options) => inner.authenticate(token, options),
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: inner.isPrincipal.bind(inner) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials =>
        inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const { principal } = options.onBehalfOf as BackstageCredentials<any>;
        if (principal.type === 'user') {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${plugin.getId()}` },
            }),
          };
        }
        return inner.getPluginRequestToken(options);
      },
    };
    return auth;
  },
});

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => directoryUserInfo(),
});

/**
 * Lets the catalog accept Template entities, with the scaffolder's own
 * validator (what catalog-backend-module-scaffolder-entity-model does, which
 * is not a dependency of this package).
 */
const templateKindModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-template-kind',
  register(reg) {
    reg.registerInit({
      deps: { processing: catalogProcessingExtensionPoint },
      async init({ processing }) {
        processing.addProcessor({
          getProcessorName: () => 'TestTemplateKindProcessor',
          validateEntityKind: entity =>
            templateEntityV1beta3Validator.check(entity),
        });
      },
    });
  },
});

/** Inputs `helm:release` received: proof of whether the scaffolder ran it. */
export const helmReleaseRuns: Array<{ name: string }> = [];

/**
 * Registers `helm:release` as an action that records its input and touches
 * nothing, so the tests see whether the scaffolder let a user reach it.
 */
const recordingHelmReleaseModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'test-recording-helm-release',
  register(reg) {
    reg.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint },
      async init({ actions }) {
        actions.addActions(
          createTemplateAction({
            id: 'helm:release',
            description: 'Records its input (test double of helm:release)',
            schema: { input: { name: z => z.string() } },
            async handler(ctx) {
              helmReleaseRuns.push({ name: ctx.input.name });
            },
          }),
        );
      },
    });
  },
});

export const testConfig = {
  permission: { enabled: true },
  catalog: {
    rules: [{ allow: ['Template', 'Component', 'Location'] }],
    locations: [
      {
        type: 'file',
        target: path.resolve(__dirname, '../__fixtures__/catalog.yaml'),
      },
    ],
  },
  coderPlatform: {
    permissions: {
      adminGroups: ['group:default/platform-admins'],
      adminUsers: ['user:development/guest'],
    },
    clusters: [{ name: 'dev-eu1' }],
    // no background refresh of cluster summaries in tests
    refresh: { enabled: false },
  },
};

/**
 * Starts the real permission backend with this module, the real catalog
 * (reading `__fixtures__/catalog.yaml`), the real coder-platform backend and,
 * with `scaffolder: true`, the real scaffolder backend.
 */
export async function startPolicyBackend(options: { scaffolder?: boolean }) {
  const backend = await startTestBackend({
    features: [
      permissionPlugin,
      permissionModuleCoderPlatformPolicy,
      catalogPlugin,
      templateKindModule,
      coderPlatformPlugin,
      ...(options.scaffolder
        ? [scaffolderPlugin, recordingHelmReleaseModule]
        : []),
      permissionsServiceFactory,
      permissionsRegistryServiceFactory,
      actorAwareAuthFactory,
      userInfoFactory,
      mockServices.rootConfig.factory({ data: testConfig }),
    ],
  });
  return backend.server;
}

/** Waits until the catalog has ingested every fixture entity (5 of them). */
export async function waitForCatalog(server: unknown, adminRef: string) {
  let last = '';
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await request(server as any)
      .get('/api/catalog/entities')
      .query({ filter: 'kind=template,kind=component' })
      .set('Authorization', mockCredentials.user.header(adminRef));
    if (response.status === 200 && response.body.length === 5) return;
    last = `${response.status} ${response.text.slice(0, 500)}`;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(
    `the catalog did not ingest __fixtures__/catalog.yaml; last answer: ${last}`,
  );
}
