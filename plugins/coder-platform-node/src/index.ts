/**
 * Upstream clients shared by the Coder Platform backend plugin and the
 * scaffolder actions: each upstream system is wrapped once, here.
 *
 * @packageDocumentation
 */
export * from './kubernetes/createKubeConfig';
export * from './keycloak/createKeycloakAdminClient';
export * from './coder';
export * from './walg/walNames';
export * from './walg/deltaChains';
export * from './walg/WalgBackups';
export * from './keycloak/KeycloakUsers';
export * from './helm/releaseSecrets';
export * from './helm/HelmReleases';
export * from './keycloak/createKeycloakAdminPasswordClient';
export * from './restic/ResticBackups';
export * from './restic/googleAccessToken';
export * from './redaction/redact';
export * from './callOptions';
export * from './walg/gcsObjects';
export * from './cluster';
