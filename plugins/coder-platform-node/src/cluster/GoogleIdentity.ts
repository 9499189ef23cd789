import { AuthClient, GoogleAuth } from 'google-auth-library';
import { redact, SecretRegistry } from '../redaction/redact';

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Where the backend's Google identity comes from. */
export interface GoogleIdentityOptions {
  /** A service account key file (`coderPlatform.gcp.keyFilename`). */
  keyFilename?: string;
  /** A service account key in JSON (a cluster's `gcp.credentials`). */
  credentials?: string;
  /** An already authenticated client (Workload Identity Federation, tests). */
  authClient?: AuthClient;
  /** Every token obtained is added here before it is returned. */
  secrets?: SecretRegistry;
}

/**
 * The backend's own Google identity: Application Default Credentials unless
 * a key or client is given. Used for the GKE API and as the bearer token of
 * GKE API servers; every access token joins the secret registry.
 */
export class GoogleIdentity {
  readonly #auth?: GoogleAuth;
  readonly #client?: AuthClient;
  readonly #secrets?: SecretRegistry;

  constructor(options: GoogleIdentityOptions = {}) {
    this.#secrets = options.secrets;
    if (options.authClient) {
      this.#client = options.authClient;
    } else {
      this.#auth = new GoogleAuth({
        scopes: [CLOUD_PLATFORM_SCOPE],
        ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
        ...(options.credentials
          ? { credentials: JSON.parse(options.credentials) }
          : {}),
      });
    }
  }

  /** An OAuth access token (cloud-platform scope), registered as a secret. */
  async accessToken(): Promise<string> {
    let token: string | null | undefined;
    try {
      token = this.#client
        ? (await this.#client.getAccessToken()).token
        : await this.#auth!.getAccessToken();
    } catch (error) {
      // The library's message may quote a token endpoint's answer: redacted.
      throw new Error(
        `the backend's Google identity returned no access token: ${redact(
          String((error as Error)?.message ?? error),
          this.#secrets ?? [],
        )}; run the backend with Workload Identity / Application Default Credentials or set coderPlatform.gcp.keyFilename`,
      );
    }
    if (!token) {
      throw new Error(
        "the backend's Google identity returned no access token; run the backend with Workload Identity / Application Default Credentials or set coderPlatform.gcp.keyFilename",
      );
    }
    this.#secrets?.add(token);
    return token;
  }

  /** Credential options for the gax (gRPC) clients. */
  gaxOptions(): { auth?: GoogleAuth; authClient?: AuthClient } {
    return this.#client ? { authClient: this.#client } : { auth: this.#auth };
  }
}
