// The generic OAuth2 client of @backstage/core-app-api talks to the backend's
// oidc provider (Keycloak).
import { OAuth2 } from '@backstage/core-app-api';
import {
  ApiBlueprint,
  BackstageIdentityApi,
  configApiRef,
  createApiRef,
  discoveryApiRef,
  oauthRequestApiRef,
  OpenIdConnectApi,
  ProfileInfoApi,
  SessionApi,
} from '@backstage/frontend-plugin-api';

/**
 * Sign-in through the cluster's Keycloak realm: the backend's `oidc` provider
 * (`@backstage/plugin-auth-backend-module-oidc-provider`, configured under
 * `auth.providers.oidc` in app-config.production.yaml).
 */
export const keycloakAuthApiRef = createApiRef<
  OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi
>().with({ id: 'auth.keycloak', pluginId: 'app' });

export const keycloakAuthApi = ApiBlueprint.make({
  name: 'keycloak-auth',
  params: defineParams =>
    defineParams({
      api: keycloakAuthApiRef,
      deps: {
        configApi: configApiRef,
        discoveryApi: discoveryApiRef,
        oauthRequestApi: oauthRequestApiRef,
      },
      factory: ({ configApi, discoveryApi, oauthRequestApi }) =>
        OAuth2.create({
          configApi,
          discoveryApi,
          oauthRequestApi,
          // Must equal the backend module's providerId.
          provider: {
            id: 'oidc',
            title:
              configApi.getOptionalString('app.signIn.title') ?? 'Keycloak',
            icon: () => null,
          },
          environment: configApi.getOptionalString('auth.environment'),
          defaultScopes: ['openid', 'profile', 'email'],
        }),
    }),
});
