export interface Config {
  /** Configuration of the Coder Platform backend plugin. */
  coderPlatform?: {
    /**
     * Chart versions the Coder development cluster template pins; Helm releases
     * are compared with them (drift). Defaults to the template's pins.
     */
    pinnedReleases?: Array<{
      /** Helm release name, e.g. coder */
      release: string;
      /** Namespace of the release. */
      namespace: string;
      /** Chart name, e.g. coder */
      chart: string;
      /** Pinned chart version, e.g. 2.25.1 */
      version: string;
    }>;
    /** How long a view is served from cache before the upstream is asked again. */
    cache?: {
      /** Seconds per view. Defaults: coder 60, workspaces 30, keycloakUsers 60, keycloakSummary 300, postgresBackups 300, workspaceBackups 900, releases 300. */
      maxAgeSeconds?: {
        coder?: number;
        workspaces?: number;
        keycloakUsers?: number;
        keycloakSummary?: number;
        postgresBackups?: number;
        workspaceBackups?: number;
        releases?: number;
      };
    };
    /** Concurrency and time budget per upstream and cluster. */
    upstreams?: {
      coder?: UpstreamLimit;
      keycloak?: UpstreamLimit;
      gcs?: UpstreamLimit;
      kubernetes?: UpstreamLimit;
      restic?: UpstreamLimit;
    };
    /** The scheduled task that refreshes every cluster's summaries. */
    refresh?: {
      /** Run the task at all. Default true. */
      enabled?: boolean;
      /** Minutes between runs. Default 5. */
      frequencyMinutes?: number;
      /** Minutes a run may take. Default 10. */
      timeoutMinutes?: number;
    };
    /** When backup status turns warning or critical. */
    thresholds?: {
      /** Minutes after its scheduled time a base backup must have finished. Default 120. */
      backupGraceMinutes?: number;
      /** WAL archiving lag in minutes that is a warning. Default 60. */
      walLagWarningMinutes?: number;
      /** WAL archiving lag in minutes that is critical. Default 360. */
      walLagCriticalMinutes?: number;
    };
    /** The restic binary used to read workspace backups. */
    restic?: {
      /** Path of restic. Default `restic` on PATH. */
      binary?: string;
      /** restic cache directory (keeps repeated reads cheap); no cache when absent. */
      cacheDir?: string;
    };
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
        /** Organization whose templates and provisioner daemons are shown. Default `default`. */
        organization?: string;
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
        /** Another GCS endpoint, e.g. an emulator; no Google authentication is used then. */
        endpoint?: string;
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
          /** A Kubernetes Secret of this cluster holding the password instead, as `namespace/name/key`. */
          passwordSecret?: string;
          /** HTTPS proxy for restic (`HTTPS_PROXY`). restic's gs: backend cannot be given another endpoint. */
          httpsProxy?: string;
          /** Extra CA certificate file restic trusts (`--cacert`). */
          caCertFile?: string;
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
      /** Overrides `coderPlatform.pinnedReleases` for this cluster. */
      pinnedReleases?: Array<{
        release: string;
        namespace: string;
        chart: string;
        version: string;
      }>;
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

/** Concurrency and time budget of one upstream of one cluster. */
interface UpstreamLimit {
  /** Requests in flight at once (defaults: coder 4, keycloak 2, gcs 4, kubernetes 2, restic 1). */
  concurrency?: number;
  /** Time budget of one call in seconds (defaults: coder 15, keycloak 15, gcs 30, kubernetes 20, restic 300). */
  timeoutSeconds?: number;
}
