import { ConfigReader } from '@backstage/config';
import {
  ClusterActionsOptions,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { createHelmReleaseAction } from './helmRelease';
import { createKeycloakGroupAction } from './keycloakGroup';
import { createKubernetesSecretAction } from './kubernetesSecret';
import { mockContext } from './__testUtils__/context';
import { fakeHelm } from './__testUtils__/fakeHelm';
import { GKE_PROJECT, startGke } from './__testUtils__/gke';
import { startRecordingServer } from './__testUtils__/recordingServer';

const PLANNED = `projects/${GKE_PROJECT}/locations/europe-west3-c/clusters/new-gke`;
const PROVISIONING = `projects/${GKE_PROJECT}/locations/europe-west3-c/clusters/booting`;

/**
 * A dry run of a template that creates its GKE cluster reaches the
 * in-cluster steps before the cluster exists: they log their plan and return
 * planned outputs; a real run still fails naming the cluster.
 */
describe('in-cluster actions against a planned GKE cluster', () => {
  jest.setTimeout(60_000);
  let apiServer: Awaited<ReturnType<typeof startRecordingServer>>;
  let gke: Awaited<ReturnType<typeof startGke>>;
  let options: ClusterActionsOptions;

  beforeAll(async () => {
    apiServer = await startRecordingServer();
    gke = await startGke(apiServer.url);
    gke.gcp.grpc.clusters.set(PROVISIONING, {
      name: 'booting',
      location: 'europe-west3-c',
      status: 'PROVISIONING',
    });
    options = {
      config: new ConfigReader({
        coderPlatform: {
          ...gke.config,
          clusterActions: { helm: { binary: fakeHelm().bin } },
        },
      }),
      authClient: gke.authClient,
    };
  });
  afterAll(async () => {
    await Promise.all([apiServer?.stop(), gke?.stop()]);
  });

  describe('plannedCluster', () => {
    it('in a dry run, answers true for a GKE cluster the GKE API does not know and logs the plan', async () => {
      const ctx = mockContext({}, { isDryRun: true });
      const before = gke.getClusterCalls();
      await expect(
        plannedCluster(ctx, resolveCluster(PLANNED, options), 'install x'),
      ).resolves.toBe(true);
      expect(gke.getClusterCalls()).toBe(before + 1);
      expect(ctx.logger.info).toHaveBeenCalledWith(
        `cluster ${PLANNED} is not created yet: would install x`,
      );
    });

    it('in a real run, answers false without reading GKE', async () => {
      const ctx = mockContext({});
      const before = gke.getClusterCalls();
      await expect(
        plannedCluster(ctx, resolveCluster(PLANNED, options), 'install x'),
      ).resolves.toBe(false);
      expect(gke.getClusterCalls()).toBe(before);
      expect(ctx.logger.info).not.toHaveBeenCalled();
    });

    it('answers false for an existing cluster, keeping its kubeconfig for the action', async () => {
      const ctx = mockContext({}, { isDryRun: true });
      const cluster = resolveCluster(gke.resourceName, options);
      const before = gke.getClusterCalls();
      await expect(plannedCluster(ctx, cluster, 'install x')).resolves.toBe(
        false,
      );
      const kc = await cluster.kubeConfig();
      expect(kc.getCurrentCluster()?.server).toBe(apiServer.url);
      expect(gke.getClusterCalls()).toBe(before + 1);
    });

    it('passes on other GKE errors (a cluster still provisioning)', async () => {
      const ctx = mockContext({}, { isDryRun: true });
      await expect(
        plannedCluster(ctx, resolveCluster(PROVISIONING, options), 'x'),
      ).rejects.toThrow(
        `GKE cluster ${PROVISIONING} has no endpoint or CA yet (status PROVISIONING)`,
      );
    });

    it('still refuses a GKE name outside the allowed projects', async () => {
      const ctx = mockContext({}, { isDryRun: true });
      expect(() =>
        resolveCluster(
          'projects/someone-elses/locations/europe-west1/clusters/y',
          options,
        ),
      ).toThrow('not in coderPlatform.gke.allowedProjects');
      expect(ctx.logger.info).not.toHaveBeenCalled();
    });
  });

  describe('helm:release', () => {
    const input = {
      cluster: PLANNED,
      name: 'cert-manager',
      namespace: 'cert-manager',
      chart: 'cert-manager',
      repoUrl: 'https://charts.jetstack.io',
      version: 'v1.17.4',
    };

    it('in a dry run, logs the release it would install and outputs the planned state', async () => {
      const ctx = mockContext(input, { isDryRun: true });
      await createHelmReleaseAction(options).handler(ctx as any);
      expect(ctx.logger.info).toHaveBeenCalledWith(
        `cluster ${PLANNED} is not created yet: would install release cert-manager/cert-manager (cert-manager v1.17.4)`,
      );
      expect(ctx.output.mock.calls).toEqual([
        ['revision', 0],
        ['status', 'uninstalled'],
        ['changed', false],
      ]);
      expect(apiServer.requests).toHaveLength(0);
    });

    it('in a real run, fails naming the cluster that does not exist', async () => {
      const ctx = mockContext(input);
      await expect(
        createHelmReleaseAction(options).handler(ctx as any),
      ).rejects.toThrow(`GKE cluster ${PLANNED} does not exist`);
      expect(ctx.output).not.toHaveBeenCalled();
    });
  });

  describe('kubernetes:secret', () => {
    const input = {
      cluster: PLANNED,
      namespace: 'keycloak',
      name: 'keycloak-db',
      generate: [{ key: 'password' }, { key: 'admin', taskSecret: 'kcAdmin' }],
      literals: { username: 'keycloak' },
    };

    it('in a dry run, outputs the planned keys without any value', async () => {
      const ctx = mockContext(input, {
        isDryRun: true,
        secrets: { kcAdmin: 'supplied-admin-pa55' },
      });
      await createKubernetesSecretAction(options).handler(ctx as any);
      const out = Object.fromEntries(ctx.output.mock.calls);
      expect(out).toEqual({
        secretName: 'keycloak/keycloak-db',
        keys: ['admin', 'password', 'username'],
        generated: ['password'],
        supplied: ['admin'],
        copied: [],
        changed: false,
      });
      expect(JSON.stringify(ctx.logger.info.mock.calls)).toContain(
        'is not created yet: would write Secret keycloak/keycloak-db',
      );
      expect(JSON.stringify(ctx.output.mock.calls)).not.toContain(
        'supplied-admin-pa55',
      );
      expect(apiServer.requests).toHaveLength(0);
    });
  });

  describe('keycloak:group', () => {
    it('in a dry run, plans every group without an id', async () => {
      const ctx = mockContext(
        {
          cluster: PLANNED,
          realm: 'coder',
          groups: [{ name: 'coder-admins' }, { name: 'coder-users' }],
        },
        { isDryRun: true },
      );
      await createKeycloakGroupAction(options).handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('groups', [
        { name: 'coder-admins', created: false, addedRoles: [] },
        { name: 'coder-users', created: false, addedRoles: [] },
      ]);
      expect(ctx.logger.info).toHaveBeenCalledWith(
        `cluster ${PLANNED} is not created yet: would create groups "coder-admins", "coder-users" in Keycloak realm "coder"`,
      );
    });
  });
});
