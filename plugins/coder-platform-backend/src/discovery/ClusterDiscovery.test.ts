import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ClusterConfig,
  ClusterEntity,
  ClusterModel,
  readDiscoverySettings,
  SecretRegistry,
} from '@coder-platform/plugin-coder-platform-node';
import express from 'express';
import request from 'supertest';
import { ClusterDiscovery } from './ClusterDiscovery';
import { discoverOnDemand } from './discoverOnDemand';

const GKE = (c: string) =>
  `projects/acme-coder/locations/europe-west1/clusters/${c}`;

function entity(name: string, cluster = name, gke = GKE(name)): ClusterEntity {
  return {
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'coder-platform.io/cluster': cluster,
        'coder-platform.io/gke-cluster': gke,
      },
    },
    spec: { type: 'coder-cluster' },
  };
}

function setup(options: { onDemandMinIntervalSeconds?: number } = {}) {
  const config = new ConfigReader({
    coderPlatform: {
      gke: { allowedProjects: ['acme-coder'] },
      discovery: {
        onDemandMinIntervalSeconds: options.onDemandMinIntervalSeconds ?? 30,
      },
    },
  });
  const state = {
    entities: [] as ClusterEntity[],
    fail: undefined as Error | undefined,
    clock: 1_000_000,
    applied: [] as string[][],
    warnings: [] as string[],
    reads: 0,
    release: undefined as (() => void) | undefined,
    gate: undefined as Promise<void> | undefined,
  };
  const logger = mockServices.logger.mock();
  logger.warn.mockImplementation(m => {
    state.warnings.push(String(m));
  });
  const discovery = new ClusterDiscovery({
    source: {
      async read() {
        state.reads++;
        if (state.gate) await state.gate;
        if (state.fail) throw state.fail;
        return state.entities;
      },
    },
    model: ClusterModel.fromConfig(config),
    settings: readDiscoverySettings(config),
    logger,
    configuredNames: () => ['dev-config'],
    apply: clusters => state.applied.push(clusters.map(c => c.name)),
    now: () => state.clock,
    materialize: async spec => ({
      cluster: {
        name: spec.name,
        title: spec.title,
        pinnedReleases: [],
        secrets: new SecretRegistry(),
        google: {},
        discovered: { entityRef: spec.entityRef },
      } as ClusterConfig,
      warnings: [`materialized ${spec.name}`],
    }),
  });
  return { discovery, state };
}

describe('ClusterDiscovery', () => {
  it('applies each valid entity; the configured name and a duplicate are ignored with a warning', async () => {
    const { discovery, state } = setup();
    state.entities = [
      entity('dev'),
      entity('dev-config'),
      entity('dev-copy', 'dev', GKE('other')),
      entity(
        'evil',
        'evil',
        'projects/evil-proj/locations/europe-west1/clusters/x',
      ),
    ];
    await discovery.refresh();
    expect(state.applied).toEqual([['dev']]);
    expect(state.warnings).toEqual([
      'materialized dev',
      'coder-cluster resource:default/dev-config: cluster "dev-config" is also in coderPlatform.clusters[]; the configured cluster wins and the entity is ignored',
      'coder-cluster resource:default/dev-copy: cluster "dev" is already discovered from resource:default/dev; the entity is ignored',
      'coder-cluster resource:default/evil: annotation coder-platform.io/gke-cluster names project "evil-proj", which is not in coderPlatform.gke.allowedProjects; the entity is ignored',
    ]);
  });

  it('says a problem once across passes, and again when it comes back', async () => {
    const { discovery, state } = setup();
    state.entities = [entity('dev-config')];
    await discovery.refresh();
    await discovery.refresh();
    expect(state.warnings).toHaveLength(1);
    state.entities = [];
    await discovery.refresh();
    state.entities = [entity('dev-config')];
    await discovery.refresh();
    expect(state.warnings).toHaveLength(2);
  });

  it('keeps the clusters it knows when the catalog cannot be read', async () => {
    const { discovery, state } = setup();
    state.entities = [entity('dev')];
    await discovery.refresh();
    state.fail = new Error('connect ECONNREFUSED 127.0.0.1:7007');
    await discovery.refresh();
    expect(state.applied).toEqual([['dev']]);
    expect(state.warnings.at(-1)).toContain(
      'reading coder-cluster Resources from the catalog failed, keeping the clusters known so far: connect ECONNREFUSED',
    );
  });

  it('reads on demand at most once per onDemandMinIntervalSeconds, joining a read in flight', async () => {
    const { discovery, state } = setup({ onDemandMinIntervalSeconds: 30 });
    state.gate = new Promise(resolve => {
      state.release = resolve;
    });
    const first = Array.from({ length: 20 }, () => discovery.refreshIfStale());
    state.release!();
    await Promise.all(first);
    expect(state.reads).toBe(1);
    state.gate = undefined;
    state.clock += 29_000;
    await Promise.all(
      Array.from({ length: 20 }, () => discovery.refreshIfStale()),
    );
    expect(state.reads).toBe(1);
    state.clock += 1_000;
    await discovery.refreshIfStale();
    expect(state.reads).toBe(2);
    // The schedule is not bounded.
    await discovery.refresh();
    expect(state.reads).toBe(3);
  });
});

describe('discoverOnDemand', () => {
  it('waits for a read only for a valid unknown cluster name', async () => {
    let reads = 0;
    const known = new Set(['dev-config']);
    const app = express();
    app.use(
      discoverOnDemand(name => known.has(name), {
        refreshIfStale: async () => {
          reads++;
          known.add('dev');
        },
      }),
    );
    app.get('/clusters/:name/coder', (req, res) => {
      res.json({ known: known.has(req.params.name) });
    });
    app.get('/clusters', (_req, res) => {
      res.json({});
    });

    await request(app).get('/clusters').expect(200);
    await request(app).get('/clusters/dev-config/coder').expect(200);
    await request(app).get('/clusters/Not_Valid/coder').expect(200);
    expect(reads).toBe(0);
    const response = await request(app).get('/clusters/dev/coder');
    expect(response.body).toEqual({ known: true });
    expect(reads).toBe(1);
  });
});
