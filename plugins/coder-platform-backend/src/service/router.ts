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
import { CoderPlatformService } from './CoderPlatformService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: CoderPlatformService;
}

/** Reads an optional integer query parameter within bounds, or a 400 naming it. */
export function intParam(
  req: Request,
  name: string,
  options: { default: number; min: number; max: number },
): number {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return options.default;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) {
    throw new InputError(
      `Query parameter "${name}" must be an integer, got ${JSON.stringify(
        raw,
      )}`,
    );
  }
  const value = Number(raw);
  if (value < options.min || value > options.max) {
    throw new InputError(
      `Query parameter "${name}" must be between ${options.min} and ${options.max}, got ${value}`,
    );
  }
  return value;
}

/** Reads an optional string query parameter, or a 400 naming it. */
export function stringParam(
  req: Request,
  name: string,
  maxLength = 200,
): string | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') {
    throw new InputError(
      `Query parameter "${name}" must be given once, as a string`,
    );
  }
  if (raw.length > maxLength) {
    throw new InputError(
      `Query parameter "${name}" is longer than ${maxLength} characters`,
    );
  }
  return raw;
}

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
    const body: ClusterListResponse = {
      items: service.clusters.map(toClusterSummary),
    };
    res.json(body);
  });

  router.get('/clusters/:name', async (req, res) => {
    await authorize(req, coderPlatformClusterReadPermission);
    res.json(toClusterSummary(service.upstreams(req.params.name).cluster));
  });

  router.get('/clusters/:name/coder', async (req, res) => {
    await authorize(req, coderPlatformCoderReadPermission);
    res.json(await service.coderOverview(req.params.name));
  });

  router.get('/clusters/:name/workspaces', async (req, res) => {
    await authorize(req, coderPlatformCoderReadPermission);
    const query = {
      q: stringParam(req, 'q'),
      limit: intParam(req, 'limit', { default: 25, min: 1, max: 100 }),
      offset: intParam(req, 'offset', { default: 0, min: 0, max: 100_000 }),
    };
    res.json(await service.workspaces(req.params.name, query));
  });

  router.get('/clusters/:name/keycloak/users', async (req, res) => {
    await authorize(req, coderPlatformKeycloakUsersReadPermission);
    const query = {
      search: stringParam(req, 'search', 100),
      first: intParam(req, 'first', { default: 0, min: 0, max: 1_000_000 }),
      max: intParam(req, 'max', { default: 20, min: 1, max: 100 }),
    };
    res.json(await service.keycloakUsers(req.params.name, query));
  });

  router.get(
    '/clusters/:name/keycloak/users/:userId/groups',
    async (req, res) => {
      await authorize(req, coderPlatformKeycloakUsersReadPermission);
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
    res.json(await service.keycloakSummary(req.params.name));
  });

  router.get('/clusters/:name/backups/postgres', async (req, res) => {
    await authorize(req, coderPlatformBackupsReadPermission);
    res.json(await service.postgresBackups(req.params.name));
  });

  router.get('/clusters/:name/backups/workspaces', async (req, res) => {
    await authorize(req, coderPlatformBackupsReadPermission);
    res.json(await service.workspaceBackups(req.params.name));
  });

  router.get('/clusters/:name/releases', async (req, res) => {
    await authorize(req, coderPlatformReleasesReadPermission);
    res.json(await service.releases(req.params.name));
  });

  return router;
}
