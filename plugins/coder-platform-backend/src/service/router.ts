import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import {
  ClusterListResponse,
  coderPlatformClusterReadPermission,
} from '@coder-platform/plugin-coder-platform-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { ClusterConfig, toClusterSummary } from '../config/readClusters';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusters: ClusterConfig[];
}

/** Builds the `/api/coder-platform` routes. Every route checks a permission first. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, clusters } = options;
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
    const body: ClusterListResponse = { items: clusters.map(toClusterSummary) };
    res.json(body);
  });

  return router;
}
