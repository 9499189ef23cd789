export interface Config {
  coderPlatform?: {
    /**
     * The Coder Platform permission policy (replaces allow-all). Platform
     * admins may do everything; everyone else reads cluster overviews,
     * Coder, backups and releases, sees the catalog without admin-only
     * templates (tag `coder-platform-admin`), and executes only the
     * scaffolder actions in `userActions`. Decision table: the package README.
     */
    permissions?: {
      /**
       * Entity refs of the groups whose members are platform admins, e.g.
       * `group:default/platform-admins`. Membership is read from the
       * signed-in user's ownership refs (catalog `memberOf`, e.g. Keycloak
       * groups synced to the catalog). A bare name means `group:default/<name>`.
       * @visibility backend
       */
      adminGroups?: string[];
      /**
       * Entity refs of users who are platform admins regardless of groups,
       * e.g. `user:development/guest` for the local default. A bare name
       * means `user:default/<name>`.
       * @visibility backend
       */
      adminUsers?: string[];
      /**
       * Scaffolder action ids that users who are not platform admins may
       * execute (exact ids, no wildcards). Defaults to what the
       * `workspace-image` template needs: `fetch:plain`, `fetch:plain:file`,
       * `fetch:template`, `fetch:template:file`, `publish:github`,
       * `catalog:register`, `catalog:write`, `catalog:fetch`,
       * `coder:template:push`, `coder:template:fetch` (copies the bundled
       * devbox Terraform), `coder-platform:workspace-image:validate`,
       * `debug:log`, `fs:rename`, `fs:delete`,
       * `fs:readdir`. Provisioning actions (`gcp:*`, `kubernetes:*`,
       * `helm:*`, `keycloak:*`, `coder:bootstrap`,
       * `coder-platform:postgres:guard`) are refused at start-up.
       * @visibility backend
       */
      userActions?: string[];
    };
  };
}
