/*
 * A backend that runs software templates as production does, started as its
 * own process by the task recovery tests so that a restart is a real one
 * (SIGKILL, then a new process on the same PostgreSQL database):
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/testing/src/recovery/__testUtils__/recoveryBackend.ts --config <file>
 *
 * The real scaffolder backend (backend-defaults: PostgreSQL database,
 * database-backed task store, heartbeat and recovery loop), every action of
 * our actions module (the factories it registers), and a catalog that
 * serves the templates named in $RECOVERY_TEMPLATE_FILES (a JSON array). The two
 * differences from packages/backend: the actions' Google identity is the
 * access token in `recoveryTest.accessToken` (the GCP contract servers
 * accept it), given through the factories' documented `authClient` option;
 * and, when $RECOVERY_INGRESS_ROUTER_URL and $RECOVERY_INGRESS_HOST_SUFFIX
 * are set, the network stand-in is the test's DNS and load balancer: this
 * process's `fetch` reaches hosts under the suffix (the new cluster's
 * public hosts) at the test's IngressRouter (installIngressDispatcher).
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createClusterActions,
  createGcpActions,
  createWorkspaceActions,
} from '@coder-platform/plugin-scaffolder-backend-module-coder-platform';
import { googleAuthLibrary } from 'google-gax';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { installIngressDispatcher } from '../../ingress/ingressDispatcher';

if (
  process.env.RECOVERY_INGRESS_ROUTER_URL &&
  process.env.RECOVERY_INGRESS_HOST_SUFFIX
) {
  installIngressDispatcher({
    routerUrl: process.env.RECOVERY_INGRESS_ROUTER_URL,
    hostSuffix: process.env.RECOVERY_INGRESS_HOST_SUFFIX,
  });
}

const actions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'coder-platform-recovery-test',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, catalog }) {
        const authClient = new googleAuthLibrary.OAuth2Client({
          transporterOptions: { fetchImplementation: globalThis.fetch as any },
        });
        authClient.setCredentials({
          access_token: config.getString('recoveryTest.accessToken'),
          expiry_date: Date.now() + 24 * 3_600_000,
        });
        scaffolder.addActions(
          ...createGcpActions({ config, authClient }),
          ...createClusterActions({ config, authClient }),
          ...createWorkspaceActions({ config, catalog }),
        );
      },
    });
  },
});

/** The templates as catalog entities (the catalog would add the namespace). */
const catalog = catalogServiceMock.factory({
  entities: JSON.parse(process.env.RECOVERY_TEMPLATE_FILES ?? '[]').map(
    (file: string) => {
      const entity = parse(readFileSync(file, 'utf8'));
      entity.metadata.namespace ??= 'default';
      return entity;
    },
  ),
});

const backend = createBackend();
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(actions);
backend.add(catalog);
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`recovery backend failed to start: ${error?.message ?? error}`);
  process.exit(1);
});
