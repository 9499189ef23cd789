export interface Config {
  coderPlatform?: {
    /**
     * The Coder Platform permission policy (replaces allow-all). Platform
     * admins may do everything; everyone else reads cluster overviews,
     * Coder, backups and releases, and runs the `workspace-image` template.
     */
    permissions?: {
      /**
       * Entity refs of the groups whose members are platform admins, e.g.
       * `group:default/platform-admins`. Membership is read from the
       * signed-in user's ownership claims (Keycloak groups synced to the
       * catalog, or catalog `memberOf`).
       * @visibility backend
       */
      adminGroups?: string[];
      /**
       * Entity refs of users who are platform admins regardless of groups,
       * e.g. `user:development/guest` for the local default.
       * @visibility backend
       */
      adminUsers?: string[];
    };
  };
}
