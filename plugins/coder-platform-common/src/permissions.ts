import { createPermission } from '@backstage/plugin-permission-common';

/** Read the list of configured clusters and their overview. */
export const coderPlatformClusterReadPermission = createPermission({
  name: 'coder-platform.cluster.read',
  attributes: { action: 'read' },
});

/** Read the Coder deployment of a cluster: build info, health, templates, workspaces. */
export const coderPlatformCoderReadPermission = createPermission({
  name: 'coder-platform.coder.read',
  attributes: { action: 'read' },
});

/** Read Keycloak users of a cluster's realm. Personal data: grant deliberately. */
export const coderPlatformKeycloakUsersReadPermission = createPermission({
  name: 'coder-platform.keycloak.users.read',
  attributes: { action: 'read' },
});

/** Read Postgres (wal-g) and workspace (restic) backup status. */
export const coderPlatformBackupsReadPermission = createPermission({
  name: 'coder-platform.backups.read',
  attributes: { action: 'read' },
});

/** Read Helm releases installed in a cluster. */
export const coderPlatformReleasesReadPermission = createPermission({
  name: 'coder-platform.releases.read',
  attributes: { action: 'read' },
});

/** Every permission of the plugin, for registration with the permission framework. */
export const coderPlatformPermissions = [
  coderPlatformClusterReadPermission,
  coderPlatformCoderReadPermission,
  coderPlatformKeycloakUsersReadPermission,
  coderPlatformBackupsReadPermission,
  coderPlatformReleasesReadPermission,
];
