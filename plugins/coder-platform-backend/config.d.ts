export interface Config {
  /** Configuration of the Coder Platform backend plugin. */
  coderPlatform?: {
    /**
     * The Coder development clusters this portal shows. Catalog entities bind
     * to one with the annotation `coder-platform.io/cluster: <name>`.
     * Endpoints and credentials stay on the backend.
     */
    clusters?: Array<{
      /** Cluster name used in the entity annotation and in URLs: lowercase letters, digits, dashes. */
      name: string;
      /** Human-readable title; defaults to the name. */
      title?: string;
      /** The cluster's Coder deployment. */
      coder?: {
        /** Coder access URL, e.g. https://coder.example.com */
        url: string;
        /**
         * Session or API token of a Coder user with the Owner or Auditor role
         * (health and deployment stats need Owner).
         * @visibility secret
         */
        token: string;
      };
      /** The cluster's Keycloak realm. */
      keycloak?: {
        /** Keycloak base URL without /realms, e.g. https://auth.example.com */
        baseUrl: string;
        /** Realm whose users are shown. */
        realm: string;
        /** Realm the client authenticates in; defaults to `realm`. */
        loginRealm?: string;
        /** Confidential client with service-account roles view-users and view-realm. */
        clientId: string;
        /**
         * Secret of that client.
         * @visibility secret
         */
        clientSecret: string;
      };
      /** Where the cluster's backups live in GCS. */
      backups?: {
        /** GCS bucket holding wal-g and restic backups. */
        bucket: string;
        /** wal-g backup prefixes of the Zalando Postgres clusters. */
        postgres?: Array<{
          /** Display name, e.g. main-postgres-db */
          name: string;
          /** Object prefix of the wal-g storage, e.g. spilo/main-postgres-db/wal/15 */
          prefix: string;
          /** Cron schedule of base backups (as BACKUP_SCHEDULE), e.g. "00 01 * * *" */
          schedule: string;
          /** Number of base backups to keep (as BACKUP_NUM_TO_RETAIN). */
          retain?: number;
        }>;
        /** restic repositories of workspace home directories. */
        restic?: {
          /** Object prefix under which each workspace has its own repository. */
          prefix: string;
          /**
           * Repository password.
           * @visibility secret
           */
          password?: string;
          /** Name of a Kubernetes Secret (namespace/name/key) holding the password instead. */
          passwordSecret?: string;
        };
      };
      /** The cluster's Kubernetes API server (Helm release secrets are read here). */
      kubernetes?: {
        /** API server URL, e.g. https://34.1.2.3 */
        url: string;
        /** Base64 PEM CA certificate of the API server. */
        caData?: string;
        /** How the backend authenticates. */
        auth:
          | {
              type: 'token';
              /**
               * Bearer token of a service account allowed to read secrets.
               * @visibility secret
               */
              token: string;
            }
          | {
              /** Google access token from Application Default Credentials (GKE). */
              type: 'google';
            };
      };
      /** The GCP project of the cluster. */
      gcp?: {
        /** GCP project id. */
        projectId: string;
        /**
         * Service account key JSON; Application Default Credentials when absent.
         * @visibility secret
         */
        credentials?: string;
      };
    }>;
  };
}
