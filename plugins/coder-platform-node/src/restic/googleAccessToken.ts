import { GoogleAuth } from 'google-auth-library';

/**
 * An OAuth access token for Google APIs from a service account key (JSON) or
 * Application Default Credentials (Workload Identity on GKE). Used where a
 * tool takes a token rather than a key file: restic (`GOOGLE_ACCESS_TOKEN`)
 * and the Kubernetes API of GKE clusters.
 */
export function createGoogleAccessTokenProvider(options: {
  credentials?: string;
  scopes?: string[];
}): () => Promise<string> {
  const auth = new GoogleAuth({
    credentials: options.credentials
      ? JSON.parse(options.credentials)
      : undefined,
    scopes: options.scopes ?? [
      'https://www.googleapis.com/auth/cloud-platform',
    ],
  });
  return async () => {
    const token = await auth.getAccessToken();
    if (!token) throw new Error('Google did not return an access token');
    return token;
  };
}
