/*
 * The Coder Platform portal backend (new backend system). Core plugins first,
 * then this suite's backend plugin and scaffolder actions.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in locally; OIDC (Keycloak) in production, see app-config.production.yaml
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// OIDC sign-in (the cluster's Keycloak realm); active when auth.providers.oidc is configured
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permissions: platform admins by group, everyone else read-only overviews
// and workspace-image (plugins/permission-backend-module-coder-platform)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@coder-platform/plugin-permission-backend-module-coder-platform'),
);

// scaffolder with this suite's actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import('@coder-platform/plugin-scaffolder-backend-module-coder-platform'),
);

// the Coder Platform views
backend.add(import('@coder-platform/plugin-coder-platform-backend'));

// search
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
