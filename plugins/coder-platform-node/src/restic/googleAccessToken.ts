import { GoogleIdentity } from '../cluster/GoogleIdentity';

/**
 * An OAuth access token provider for Google APIs from a service account key
 * (JSON) or Application Default Credentials. Kept for callers outside the
 * cluster model; it is the model's {@link GoogleIdentity}, the one Google
 * auth of the suite.
 */
export function createGoogleAccessTokenProvider(options: {
  credentials?: string;
}): () => Promise<string> {
  const identity = new GoogleIdentity({ credentials: options.credentials });
  return () => identity.accessToken();
}
