export interface Config {
  app?: {
    /** The portal's sign-in page. */
    signIn?: {
      /**
       * `guest` (local default) or `oidc`: sign in through the cluster's
       * Keycloak realm with the backend's `auth.providers.oidc` provider.
       * @visibility frontend
       */
      provider?: 'guest' | 'oidc';
      /**
       * Name of the identity provider on the sign-in button. Default `Keycloak`.
       * @visibility frontend
       */
      title?: string;
    };
  };
}
