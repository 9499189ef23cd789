import { SignInPage } from '@backstage/core-components';
import {
  configApiRef,
  createFrontendModule,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  SignInPageProps,
} from '@backstage/plugin-app-react';
import { keycloakAuthApi, keycloakAuthApiRef } from './keycloakAuthApi';

/**
 * The sign-in page: guest locally (app-config.yaml), the cluster's Keycloak
 * realm when `app.signIn.provider` is `oidc` (app-config.production.yaml).
 */
export function CoderPlatformSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const provider = config.getOptionalString('app.signIn.provider') ?? 'guest';
  if (provider === 'oidc') {
    const title = config.getOptionalString('app.signIn.title') ?? 'Keycloak';
    return (
      <SignInPage
        {...props}
        provider={{
          id: 'oidc',
          title,
          message: `Sign in with your ${title} account`,
          apiRef: keycloakAuthApiRef,
        }}
      />
    );
  }
  return <SignInPage {...props} providers={['guest']} />;
}

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => CoderPlatformSignInPage,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [keycloakAuthApi, signInPage],
});
