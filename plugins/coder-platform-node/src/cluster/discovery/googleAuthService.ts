import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { AuthClient } from 'google-auth-library';

/**
 * The backend's Google identity as a Backstage service. By default it holds
 * no client: the cluster model then uses Application Default Credentials (or
 * `coderPlatform.gcp.keyFilename`). A backend may install a factory that
 * supplies an authenticated client instead (impersonation, Workload Identity
 * Federation, a test's fixed token).
 */
export interface GoogleAuthService {
  authClient?: AuthClient;
}

/** Ref of {@link GoogleAuthService}. */
export const googleAuthServiceRef = createServiceRef<GoogleAuthService>({
  id: 'coder-platform.google-auth',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({ service, deps: {}, factory: () => ({}) }),
});
