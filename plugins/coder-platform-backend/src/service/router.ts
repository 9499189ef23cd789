import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  ClusterListResponse,
  coderPlatformBackupsReadPermission,
  coderPlatformClusterReadPermission,
  coderPlatformCoderReadPermission,
  coderPlatformKeycloakUsersReadPermission,
  coderPlatformReleasesReadPermission,
} from '@coder-platform/plugin-coder-platform-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { toClusterSummary } from '../config/readClusters';
import { parseQuery } from './queryParams';
import {
  CoderPlatformService,
  DEFAULT_USERS_PAGE,
  DEFAULT_WORKSPACES_PAGE,
} from './CoderPlatformService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: CoderPlatformService;
}

const NO_PARAMS = {} as const;

const WORKSPACES_QUERY = {
  q: { type: 'string', maxLength: 200 },
  limit: {
    type: 'int',
    default: DEFAULT_WORKSPACES_PAGE.limit,
    min: 1,
    max: 100,
  },
  offset: {
    type: 'int',
    default: DEFAULT_WORKSPACES_PAGE.offset,
    min: 0,
    max: 100_000,
  },
} as const;

const USERS_QUERY = {
  search: { type: 'string', maxLength: 100 },
  first: {
    type: 'int',
    default: DEFAULT_USERS_PAGE.first,
    min: 0,
    max: 1_000_000,
  },
  max: { type: 'int', default: DEFAULT_USERS_PAGE.max, min: 1, max: 100 },
  enabled: { type: 'boolean' },
  emailVerified: { type: 'boolean' },
} as const;

/** Builds the `/api/coder-platform` routes. Every route checks a permission first. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, service } = options;
  const router = Router();
  router.use(express.json());

  async function authorize(req: Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  }

  router.get('/clusters', async (req, res) => {
    await authorize(req, coderPlatformClusterReadPermission);
    parseQuery(req, NO_PARAMS);
    const body: ClusterListResponse = {
      items: service.clusters.map(toClusterSummary),
    };
    res.json(body);
  });

  router.get('/clusters/:name', async (req, res) => {
    await authorize(req, coderPlatformClusterReadPermission);
    parseQuery(req, NO_PARAMS);
    res.json(toClusterSummary(service.upstreams(req.params.name).cluster));
  });

  router.get('/clusters/:name/coder', async (req, res) => {
    await authorize(req, coderPlatformCoderReadPermission);
    parseQuery(req, NO_PARAMS);
    res.json(await service.coderOverview(req.params.name));
  });

  router.get('/clusters/:name/workspaces', async (req, res) => {
    await authorize(req, coderPlatformCoderReadPermission);
    const query = parseQuery(req, WORKSPACES_QUERY);
    res.json(await service.workspaces(req.params.name, query));
  });

  router.get('/clusters/:name/keycloak/users', async (req, res) => {
    await authorize(req, coderPlatformKeycloakUsersReadPermission);
    const query = parseQuery(req, USERS_QUERY);
    res.json(await service.keycloakUsers(req.params.name, query));
  });

  router.get(
    '/clusters/:name/keycloak/users/:userId/groups',
    async (req, res) => {
      await authorize(req, coderPlatformKeycloakUsersReadPermission);
      parseQuery(req, NO_PARAMS);
      if (!/^[A-Za-z0-9-]{1,64}$/.test(req.params.userId)) {
        throw new InputError(
          `Path parameter "userId" is not a Keycloak user id: ${JSON.stringify(
            req.params.userId,
          )}`,
        );
      }
      res.json(
        await service.keycloakUserGroups(req.params.name, req.params.userId),
      );
    },
  );

  router.get('/clusters/:name/keycloak/summary', async (req, res) => {
    await authorize(req, coderPlatformKeycloakUsersReadPermission);
    parseQuery(req, NO_PARAMS);
    res.json(await service.keycloakSummary(req.params.name));
  });

  router.get('/clusters/:name/backups/postgres', async (req, res) => {
    await authorize(req, coderPlatformBackupsReadPermission);
    parseQuery(req, NO_PARAMS);
    res.json(await service.postgresBackups(req.params.name));
  });

  router.get('/clusters/:name/backups/workspaces', async (req, res) => {
    await authorize(req, coderPlatformBackupsReadPermission);
    parseQuery(req, NO_PARAMS);
    res.json(await service.workspaceBackups(req.params.name));
  });

  router.get('/clusters/:name/releases', async (req, res) => {
    await authorize(req, coderPlatformReleasesReadPermission);
    parseQuery(req, NO_PARAMS);
    res.json(await service.releases(req.params.name));
  });

  return router;
}
