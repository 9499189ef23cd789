import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CoderPlatformApi, coderPlatformApiRef } from '../../../api';
import {
  postgresBackupsResponseFixture,
  workspaceBackupsResponseFixture,
} from '../../../__fixtures__/backups';
import { ClusterBackupsContent } from '../ClusterBackupsContent';

type BackupRoutes = Pick<
  CoderPlatformApi,
  'getPostgresBackups' | 'getWorkspaceBackups'
>;

/** The two backup routes as jest mocks, typed loosely so tests can make them fail or hang. */
export type BackupsApiMock = {
  [K in keyof BackupRoutes]: jest.Mock<
    Promise<Awaited<ReturnType<BackupRoutes[K]>>>,
    any
  >;
};

/** Both backup routes, answering with the fixtures unless overridden. */
export function backupsApi(
  overrides: Partial<BackupsApiMock> = {},
): BackupsApiMock {
  return {
    getPostgresBackups: jest.fn(async () => postgresBackupsResponseFixture),
    getWorkspaceBackups: jest.fn(async () => workspaceBackupsResponseFixture),
    ...overrides,
  };
}

/** Renders the Backups tab of `dev-eu1`. */
export function renderBackups(api: BackupsApiMock) {
  return renderInTestApp(<ClusterBackupsContent cluster="dev-eu1" />, {
    apis: [[coderPlatformApiRef, api]],
  });
}

/** A rejection that the API client would produce, as a jest mock. */
export function failing(error: Error) {
  return jest.fn(async () => {
    throw error;
  });
}
