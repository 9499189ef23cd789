// Configuration read by the Coder Platform scaffolder actions. Each group of
// actions documents its keys below.
export interface Config {
  coderPlatform?: {
    /**
     * GCP actions (`gcp:*`). Credentials are Application Default Credentials
     * unless `keyFilename` names a service account key file.
     */
    gcp?: {
      /**
       * Project used when an action's input has no `projectId`.
       * @visibility backend
       */
      projectId?: string;
      /**
       * Path of a service account JSON key file to authenticate with, instead
       * of Application Default Credentials. Prefer Workload Identity / ADC.
       * @visibility secret
       */
      keyFilename?: string;
      /** Long-running operations (GKE, Compute, Service Usage, Cloud DNS changes). */
      operations?: {
        /**
         * Milliseconds between two polls of an operation. Default 5000.
         * @visibility backend
         */
        pollIntervalMs?: number;
        /**
         * Minutes to wait for one operation before failing the step (it may
         * still finish; running the step again picks it up). Default 45.
         * @visibility backend
         */
        timeoutMinutes?: number;
      };
      /**
       * Seconds one call to a Google API (one attempt) may go unanswered
       * before it is given up on and retried with the backoff below: the
       * request timeout of every client (gRPC deadline, REST timeout) and
       * the actions' own deadline per attempt. A hung API therefore fails the
       * step after about `retry.maxAttempts` times this, with an error naming
       * the API and the operation. Waiting on long-running operations is
       * bounded separately (`operations.timeoutMinutes`). Also bounds the
       * GKE API read of the cluster model (a cluster named by GKE resource
       * name, for the cluster actions and the backend). Default 60.
       * @visibility backend
       */
      callTimeoutSeconds?: number;
      /**
       * Bounded exponential backoff for 429, 5xx, gRPC UNAVAILABLE, calls
       * that time out and dropped connections: the only retry (the Google clients' own retries are off;
       * calls that are not idempotent, such as creating a service account key,
       * are never retried).
       */
      retry?: {
        /**
         * Attempts in total, including the first. Default 5.
         * @visibility backend
         */
        maxAttempts?: number;
        /**
         * Delay before the second attempt, doubled each time. Default 1000.
         * @visibility backend
         */
        initialDelayMs?: number;
        /**
         * Upper bound of one delay. Default 30000.
         * @visibility backend
         */
        maxDelayMs?: number;
      };
      /**
       * Endpoint overrides per API (private endpoints, proxies, emulators).
       * Each maps to the client's documented options: `apiEndpoint`, `port`,
       * and plaintext (gRPC `sslCreds` insecure / `http://`). Omit for Google's
       * public endpoints.
       */
      endpoints?: {
        [api in
          | 'container'
          | 'compute'
          | 'dns'
          | 'iam'
          | 'resourceManager'
          | 'serviceUsage'
          | 'storage']?: {
          /**
           * Host name of the API, e.g. container.googleapis.com or a private endpoint.
           * @visibility backend
           */
          apiEndpoint: string;
          /**
           * Port; defaults to 443.
           * @visibility backend
           */
          port?: number;
          /**
           * Speak plain-text gRPC / HTTP instead of TLS (emulators only; not
           * supported by the Cloud DNS client, which always uses https).
           * @visibility backend
           */
          plaintext?: boolean;
        };
      };
    };
    /**
     * Cluster actions (`kubernetes:apply`, `helm:release`, `keycloak:*`,
     * `coder:*`, `coder-platform:postgres:guard`). Maintained with the
     * cluster actions; kept apart from the GCP block above.
     */
    clusterActions?: {
      /**
       * Field manager for server-side apply. Default `coder-platform`.
       * @visibility backend
       */
      fieldManager?: string;
      /** The helm CLI used by `helm:release`. */
      helm?: {
        /**
         * Path of the helm binary (3 or 4). Default `helm` on PATH.
         * @visibility backend
         */
        binary?: string;
        /**
         * Chart repository mirrors (Artifactory, Harbor, ChartMuseum) for
         * air-gapped clusters. A `helm:release` step whose `repoUrl` equals
         * `repository` (a trailing `/` ignored) fetches its chart from
         * `mirror` instead; an `oci://` chart whose reference starts with an
         * `oci://` `repository` prefix (at a `/` boundary; the longest
         * prefix wins) has that prefix replaced by `mirror`. Both URLs are
         * absolute (http/https for chart repositories, oci:// for OCI
         * prefixes), without credentials; a bad entry fails start-up naming
         * its path. The step log and the dry run name the mirror used. A
         * release is compared by chart name, version and values, so
         * configuring a mirror does not upgrade releases installed from the
         * public repository.
         */
        repositoryMirrors?: Array<{
          /**
           * The repository the templates name, e.g. https://charts.jetstack.io
           * or oci://registry-1.docker.io/bitnamicharts.
           * @visibility backend
           */
          repository: string;
          /**
           * Where its charts are served, e.g.
           * https://artifactory.example.com/artifactory/api/helm/jetstack.
           * @visibility backend
           */
          mirror: string;
        }>;
      };
      /** GCS access of `coder-platform:postgres:guard` (ADC credentials). */
      gcs?: {
        /**
         * Another endpoint, e.g. a GCS emulator. Default Google's.
         * @visibility backend
         */
        apiEndpoint?: string;
        /**
         * GCP project for the Storage client.
         * @visibility backend
         */
        projectId?: string;
      };
      /**
       * Secrets (`namespace/name`) the actions may read although they lack the
       * label `coder-platform.io/managed: "true"` that every Secret the suite
       * writes carries (e.g. `coder:template:push` `sessionToken.kubernetesSecret`).
       * Any other Secret is refused. The clusters themselves are
       * `coderPlatform.clusters[]` and `coderPlatform.gke` (backend plugin).
       * @visibility backend
       */
      readableSecrets?: string[];
    };
  };
}
