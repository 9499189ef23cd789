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
    /**
     * How long a view is served from cache before the upstream is asked again.
     * Views are refreshed by the scheduled task and kept 7 days for stale
     * answers; cache keys hold no free text (search terms are hashed).
     * @visibility backend
     */
    cache?: {
      /**
       * Seconds per view. Defaults: coder 60, workspaces 30, keycloakUsers 60, keycloakSummary 300, postgresBackups 300, workspaceBackups 900, releases 300.
       * @visibility backend
       */
      maxAgeSeconds?: {
        /** @visibility backend */
        coder?: number;
        /** @visibility backend */
        workspaces?: number;
        /** @visibility backend */
        keycloakUsers?: number;
        /** @visibility backend */
        keycloakSummary?: number;
        /** @visibility backend */
        postgresBackups?: number;
        /** @visibility backend */
        workspaceBackups?: number;
        /** @visibility backend */
        releases?: number;
      };
      /**
       * Seconds a searched page (users `search`, workspaces `q`) is kept, stale
       * answers included, instead of 7 days. Default 600.
       * @visibility backend
       */
      searchKeepSeconds?: number;
      /**
       * Seconds a failing upstream (per cluster) is not asked again after its
       * first failure; doubles per failure in a row up to `maxBackoffSeconds`.
       * The scheduled refresh still probes it. Kept in the cache store, so
       * every replica backs off together. Default 5.
       * @visibility backend
       */
      backoffSeconds?: number;
      /**
       * Longest wait between attempts at a failing upstream, at least
       * `backoffSeconds`. Default 300.
       * @visibility backend
       */
      maxBackoffSeconds?: number;
    };
    /**
     * Concurrency and time budget per upstream and cluster: at most
     * `concurrency` requests are open at the upstream; a call's budget
     * includes its time waiting for a slot, and a call over budget is
     * aborted at the upstream.
     * @visibility backend
     */
    upstreams?: {
      /** @visibility backend */
      coder?: UpstreamLimit;
      /** @visibility backend */
      keycloak?: UpstreamLimit;
      /** @visibility backend */
      gcs?: UpstreamLimit;
      /** @visibility backend */
      kubernetes?: UpstreamLimit;
      /** @visibility backend */
      restic?: UpstreamLimit;
    };
    /**
     * The scheduled task that refreshes every cluster's summaries.
     * @visibility backend
     */
    refresh?: {
      /**
       * Run the task at all. Default true.
       * @visibility backend
       */
      enabled?: boolean;
      /**
       * Minutes between runs. Default 5.
       * @visibility backend
       */
      frequencyMinutes?: number;
      /**
       * Minutes a run may take. Default 10.
       * @visibility backend
       */
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
     * Clusters discovered from the catalog: every `Resource` of
     * `spec.type: coder-cluster` whose `coder-platform.io/gke-cluster` names a
     * GKE cluster of `coderPlatform.gke.allowedProjects` becomes a cluster of
     * the portal without a restart. Annotations carry names and public URLs
     * only; the endpoint and CA come from the GKE API, credentials from
     * Secrets inside the cluster labelled `coder-platform.io/managed: "true"`.
     * Clusters of `coderPlatform.clusters[]` win on a name clash. Off while
     * `coderPlatform.gke.allowedProjects` is empty.
     * @visibility backend
     */
    discovery?: {
      /**
       * Read the catalog at all. Default true.
       * @visibility backend
       */
      enabled?: boolean;
      /**
       * Seconds between reads of the catalog (a local-scope scheduled task on each replica). Default 300.
       * @visibility backend
       */
      frequencySeconds?: number;
      /**
       * A route naming an unknown cluster reads the catalog at most once per this many seconds. Default 30.
       * @visibility backend
       */
      onDemandMinIntervalSeconds?: number;
      /**
       * Hosts a `coder-platform.io/coder-url` or `coder-platform.io/keycloak-url`
       * annotation may name (`host`, `host:port`, `*.domain`); credentials are
       * sent only there. Without an allowed URL annotation the backend uses
       * `https://<host>` of the cluster's own Ingress (`coderPlatform.gke.coder.ingress`,
       * `coderPlatform.gke.keycloak.ingress`). Default: none.
       * @visibility backend
       */
      allowedHosts?: string[];
      /**
       * `namespace/name/key` of the Secrets inside a discovered cluster the
       * credentials are read from; each must carry the managed label (or be
       * listed in `coderPlatform.clusterActions.readableSecrets`).
       * @visibility backend
       */
      secrets?: {
        /**
         * Coder session token. Default `coderPlatform.gke.coder.sessionTokenSecret` (`coder/coder-session-token/session-token`).
         * @visibility backend
         */
        coderToken?: string;
        /**
         * Client id of the portal's Keycloak reader client. Default `keycloak/coder-platform-reader/client-id`.
         * @visibility backend
         */
        keycloakClientId?: string;
        /**
         * Client secret of the portal's Keycloak reader client. Default `keycloak/coder-platform-reader/client-secret`.
         * @visibility backend
         */
        keycloakClientSecret?: string;
        /**
         * restic repository password. Default `coder/restic/password`.
         * @visibility backend
         */
        resticPassword?: string;
      };
    };
    /**
     * GKE clusters that templates may name by resource name
     * (`projects/<project>/locations/<location>/clusters/<name>`) instead of a
     * configured cluster name. The backend reads endpoint and CA from the GKE
     * API with its own Google identity (`coderPlatform.gcp.keyFilename` or
     * Application Default Credentials, `coderPlatform.gcp.endpoints.container`
     * honoured; one read, the client's retries included, ends after
     * `coderPlatform.gcp.callTimeoutSeconds`, default 60), and finds Keycloak
     * and Coder inside the cluster.
     */
    gke?: {
      /**
       * GCP projects whose GKE clusters may be named. Any other project is
       * refused before a credential is used. Default: none.
       * @visibility backend
       */
      allowedProjects?: string[];
      /** Keycloak inside a GKE-named cluster. */
      keycloak?: {
        /**
         * `namespace/name` of the Ingress whose host is Keycloak's (`https://<host>`). Default `keycloak/keycloak`.
         * @visibility backend
         */
        ingress?: string;
        /**
         * `namespace/name` of the Secret with keys `username` and `password` of the Keycloak admin. Default `keycloak/keycloak-admin`.
         * @visibility backend
         */
        adminSecret?: string;
        /**
         * Realm the admin logs in to. Default `master`.
         * @visibility backend
         */
        loginRealm?: string;
      };
      /** Coder inside a GKE-named cluster. */
      coder?: {
        /**
         * `namespace/name` of the Ingress whose host is Coder's access URL (`https://<host>`). Default `coder/coder`.
         * @visibility backend
         */
        ingress?: string;
        /**
         * `namespace/name/key` of the Secret holding the admin session token (`coder:bootstrap` writes it). Default `coder/coder-session-token/session-token`.
         * @visibility backend
         */
        sessionTokenSecret?: string;
      };
    };
    /**
     * The Coder development clusters this portal shows and the in-cluster
     * scaffolder actions may target (their `cluster` input names one).
     * Catalog entities bind to one with the annotation
     * `coder-platform.io/cluster: <name>`. Endpoints and credentials stay on
     * the backend. Parsed once, in coder-platform-node, for the backend and
     * the actions alike.
     */
    clusters?: Array<{
      /**
       * Cluster name used in the entity annotation, in URLs and in the actions' `cluster` input: lowercase letters, digits, dashes.
       * @visibility backend
       */
      name: string;
      /**
       * Human-readable title; defaults to the name.
       * @visibility backend
       */
      title?: string;
      /** The cluster's Coder deployment. */
      coder?: {
        /**
         * Coder access URL, e.g. https://coder.example.com
         * @visibility backend
         */
        url: string;
        /**
         * Session or API token of a Coder user with the Owner or Auditor role
         * (health and deployment stats need Owner). Without it the portal
         * shows no Coder views and `coder:template:push` reads
         * `sessionTokenSecret`.
         * @visibility secret
         */
        token?: string;
        /**
         * Organization whose templates and provisioner daemons are shown. Default `default`.
         * @visibility backend
         */
        organization?: string;
        /**
         * `namespace/name/key` of the Secret `coder:bootstrap` writes the admin
         * session token to. Default `coderPlatform.gke.coder.sessionTokenSecret`.
         * @visibility backend
         */
        sessionTokenSecret?: string;
      };
      /**
       * The cluster's Keycloak. `realm` + `clientId` + `clientSecret` is the
       * portal's read-only client; `admin` is the identity the `keycloak:*`
       * actions administer realms with. Give either or both.
       */
      keycloak?: {
        /**
         * Keycloak base URL without /realms, e.g. https://auth.example.com
         * @visibility backend
         */
        baseUrl: string;
        /**
         * Realm whose users are shown.
         * @visibility backend
         */
        realm?: string;
        /**
         * Realm the reader client logs in to; defaults to `realm`.
         * @visibility backend
         */
        loginRealm?: string;
        /**
         * Confidential client with service-account roles view-users and view-realm.
         * @visibility backend
         */
        clientId?: string;
        /**
         * Secret of that client.
         * @visibility secret
         */
        clientSecret?: string;
        /** The realm administrator of the `keycloak:*` actions: a user (password grant through admin-cli) or a confidential client. */
        admin?: {
          /**
           * Realm this identity logs in to. Default `master`.
           * @visibility backend
           */
          loginRealm?: string;
          /**
           * Admin user name (with password).
           * @visibility backend
           */
          username?: string;
          /**
           * Password of that user.
           * @visibility secret
           */
          password?: string;
          /**
           * Confidential client with the admin role (with clientSecret), instead of username.
           * @visibility backend
           */
          clientId?: string;
          /**
           * Secret of that client.
           * @visibility secret
           */
          clientSecret?: string;
        };
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
      /**
       * The cluster's Kubernetes API server (Helm release Secrets are read
       * here; the actions apply, install and read Secrets here). One of:
       * `url` + `auth` (token or google), `gke` (endpoint and CA read from
       * the GKE API, Google auth), or `auth.type: kubeconfig`.
       */
      kubernetes?: {
        /**
         * API server URL, e.g. https://34.1.2.3
         * @visibility backend
         */
        url?: string;
        /**
         * GKE resource name `projects/<p>/locations/<l>/clusters/<c>`, instead of url and caData.
         * @visibility backend
         */
        gke?: string;
        /**
         * Base64 PEM CA certificate of the API server.
         * @visibility backend
         */
        caData?: string;
        /**
         * Skip TLS verification (local development servers only).
         * @visibility backend
         */
        skipTLSVerify?: boolean;
        /** How the backend authenticates; default `google` with gke. */
        auth?:
          | {
              /** @visibility backend */
              type: 'token';
              /**
               * Bearer token of a service account allowed to read secrets.
               * @visibility secret
               */
              token: string;
            }
          | {
              /**
               * Google access token of the backend's identity (GKE).
               * @visibility backend
               */
              type: 'google';
            }
          | {
              /** @visibility backend */
              type: 'kubeconfig';
              /**
               * Path of a kubeconfig file on the backend host (it names the server).
               * @visibility backend
               */
              kubeconfigPath: string;
              /**
               * Context of that kubeconfig; default its current context.
               * @visibility backend
               */
              context?: string;
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
  /**
   * Requests open at the upstream at once (defaults: coder 4, keycloak 2, gcs 4, kubernetes 2, restic 1 process).
   * @visibility backend
   */
  concurrency?: number;
  /**
   * Time budget of one call in seconds, waiting for a slot included (defaults: coder 15, keycloak 15, gcs 30, kubernetes 20, restic 300).
   * @visibility backend
   */
  timeoutSeconds?: number;
}
