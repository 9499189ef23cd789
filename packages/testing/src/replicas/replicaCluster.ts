import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { stringify } from 'yaml';
import { requirePeer } from '../peers/peersEnv';

/** A backend replica started as its own process. */
export interface Replica {
  name: string;
  baseUrl: string;
  /** The running process (a new one after a start-up restart). */
  process: ChildProcess;
  logFile: string;
  /** How often the replica exited during start-up and was started again. */
  restarts: number;
  /** GET on the replica with the static access token; returns status and JSON body. */
  get(path: string): Promise<{ status: number; body: any }>;
  /** SIGKILL: the replica dies mid-whatever, as on an OOM kill or a node loss. */
  kill(): Promise<void>;
}

export interface ReplicaOptions {
  name: string;
  /** Database name prefix shared by every replica of one test (one PostgreSQL database per plugin). */
  databasePrefix: string;
  /** Redis key namespace shared by every replica of one test. */
  cacheNamespace: string;
  /** The `coderPlatform` block. */
  coderPlatform: Record<string, unknown>;
  /** Backend entry file (default `src/replicas/replicaBackend.ts` of this package). */
  entry?: string;
  /** Further top-level app-config keys (e.g. `scaffolder`). */
  config?: Record<string, unknown>;
  /** Path that answers 200 once the backend is up (default `/api/coder-platform/clusters`). */
  readyPath?: string;
  /** Extra environment variables of the process. */
  env?: Record<string, string>;
  /**
   * How often a replica that exits before it answers is started again, as a
   * Deployment's kubelet does (default 0). Replicas that start together on a
   * fresh database race on Backstage's own knex migration tables and the loser
   * exits (backstage/charts#300); the restart finds the tables in place.
   */
  startupRestarts?: number;
  /** Redis URL of the cache store (default the Redis peer's), e.g. one a test stops. */
  redisUrl?: string;
}

export const REPLICA_ACCESS_TOKEN = randomBytes(24).toString('hex');

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

const packageFile = (path: string) =>
  resolvePackagePath('@coder-platform/testing', path);

/**
 * Starts one replica on the PostgreSQL and Redis peers and waits until its
 * plugin answers. Every replica of a test shares `databasePrefix` and
 * `cacheNamespace`, so they share one database and one cache store.
 */
export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const pg = requirePeer('postgres', [
    'PEERS_PG_HOST',
    'PEERS_PG_PORT',
    'PEERS_PG_USER',
    'PEERS_PG_PASSWORD',
  ]);
  const redisUrl =
    options.redisUrl ??
    requirePeer('redis', ['PEERS_REDIS_URL']).PEERS_REDIS_URL;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `replica-${options.name}-`));
  const configFile = join(dir, 'app-config.yaml');
  writeFileSync(
    configFile,
    stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: REPLICA_ACCESS_TOKEN, subject: 'replica-test' },
            },
          ],
        },
        database: {
          client: 'pg',
          prefix: options.databasePrefix,
          connection: {
            host: pg.PEERS_PG_HOST,
            port: Number(pg.PEERS_PG_PORT),
            user: pg.PEERS_PG_USER,
            password: pg.PEERS_PG_PASSWORD,
          },
        },
        cache: {
          store: 'redis',
          connection: redisUrl,
          redis: { client: { namespace: options.cacheNamespace } },
        },
      },
      permission: { enabled: false },
      coderPlatform: options.coderPlatform,
      ...options.config,
    }),
    { mode: 0o600 },
  );
  const logFile = join(dir, 'replica.log');
  const root = packageFile('../..');
  const spawnBackend = () => {
    // Append: the log of a start that exited stays readable after the restart.
    const log = openSync(logFile, 'a');
    const started = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        options.entry ?? packageFile('src/replicas/replicaBackend.ts'),
        '--config',
        configFile,
      ],
      {
        cwd: root,
        stdio: ['ignore', log, log],
        env: {
          ...process.env,
          NODE_ENV: 'production',
          LOG_LEVEL: 'info',
          ...options.env,
        },
      },
    );
    closeSync(log);
    return started;
  };
  let child = spawnBackend();
  const baseUrl = `http://127.0.0.1:${port}`;
  const get: Replica['get'] = async path => {
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { authorization: `Bearer ${REPLICA_ACCESS_TOKEN}` },
    });
    const text = await response.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: response.status, body };
  };
  const replica: Replica = {
    name: options.name,
    baseUrl,
    get process() {
      return child;
    },
    logFile,
    restarts: 0,
    get,
    kill: () =>
      new Promise(done => {
        if (child.exitCode !== null || child.signalCode !== null) {
          done();
          return;
        }
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (replica.restarts < (options.startupRestarts ?? 0)) {
        replica.restarts += 1;
        child = spawnBackend();
        continue;
      }
      throw new Error(
        `replica ${options.name} exited with ${child.exitCode}: ${readFileSync(
          logFile,
          'utf8',
        ).slice(-2000)}`,
      );
    }
    try {
      const { status } = await get(
        options.readyPath ?? '/api/coder-platform/clusters',
      );
      if (status === 200) return replica;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await replica.kill();
      throw new Error(
        `replica ${options.name} did not answer within 120 s: ${readFileSync(
          logFile,
          'utf8',
        ).slice(-2000)}`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
