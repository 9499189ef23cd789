import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { requirePeer } from '../peers/peersEnv';

const run = promisify(execFile);

/** The stand-in charts of this package (`packages/testing/fixtures/charts/<chart>`). */
export const STAND_IN_CHARTS_DIR = resolvePackagePath(
  '@coder-platform/testing',
  'fixtures/charts',
);

/**
 * The public chart repository each stand-in chart stands in for: the
 * `repoUrl` of the `helm:release` step of
 * `templates/coder-development-cluster/template.yaml` that installs it.
 */
export const STAND_IN_CHART_REPOSITORIES: Readonly<Record<string, string>> = {
  'cert-manager': 'https://charts.jetstack.io',
  'ingress-nginx': 'https://kubernetes.github.io/ingress-nginx',
  'postgres-operator':
    'https://opensource.zalando.com/postgres-operator/charts/postgres-operator',
  keycloak: 'https://charts.bitnami.com/bitnami',
  'oauth2-proxy': 'https://oauth2-proxy.github.io/manifests',
  coder: 'https://helm.coder.com/v2',
  'kube-prometheus-stack': 'https://prometheus-community.github.io/helm-charts',
};

/** Options of {@link LocalChartRepository}. */
export interface LocalChartRepositoryOptions {
  /** Folder of the charts, one sub-folder per chart (default: this package's stand-ins). */
  chartsDir?: string;
  /**
   * The versions to package each chart at (e.g. `templateChartVersions(...)`).
   * Every chart of {@link LocalChartRepositoryOptions.repositories} needs one.
   */
  versions: Record<string, string | string[]>;
  /** Chart name → the public repository URL it stands in for (default {@link STAND_IN_CHART_REPOSITORIES}). */
  repositories?: Record<string, string>;
  /** The helm binary (default: `PEERS_HELM_BIN` of the helm peer). */
  helmBin?: string;
}

/** One request the repository answered. */
export interface ChartRepositoryRequest {
  method: string;
  /** The path, e.g. `/charts.jetstack.io/index.yaml`. */
  path: string;
  status: number;
}

/** The sub-directory (and URL path) standing in for a public repository URL. */
export function repositorySubdirectory(repositoryUrl: string): string {
  const url = new URL(repositoryUrl);
  return `${url.host}${url.pathname}`
    .replace(/\/+$/, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_');
}

/**
 * A chart repository on 127.0.0.1 standing in for the public repositories
 * of the cluster template: `start()` packages every chart with the real helm
 * (`helm package --version`, so the charts follow the template's pinned
 * versions), one sub-directory per public repository, runs `helm repo
 * index` with the served URL and serves the directory over HTTP (GET/HEAD
 * only). `mirrorsConfig()` is the
 * `coderPlatform.clusterActions.helm.repositoryMirrors` that makes
 * `helm:release` fetch from it.
 */
export class LocalChartRepository {
  private server?: Server;
  private dir?: string;
  private baseUrl?: string;
  private readonly served: ChartRepositoryRequest[] = [];
  private readonly repositories: Record<string, string>;

  constructor(private readonly options: LocalChartRepositoryOptions) {
    this.repositories = options.repositories ?? {
      ...STAND_IN_CHART_REPOSITORIES,
    };
  }

  /** The repository's base URL, `http://127.0.0.1:<port>`. */
  get url(): string {
    if (!this.baseUrl) throw new Error('LocalChartRepository: not started');
    return this.baseUrl;
  }

  /** Packages, indexes and serves the charts; resolves once it listens. */
  async start(): Promise<this> {
    const helmBin =
      this.options.helmBin ??
      requirePeer('helm', ['PEERS_HELM_BIN']).PEERS_HELM_BIN;
    const chartsDir = this.options.chartsDir ?? STAND_IN_CHARTS_DIR;
    const missing = Object.keys(this.repositories).filter(
      chart => !this.options.versions[chart],
    );
    if (missing.length > 0) {
      throw new Error(
        `LocalChartRepository: no version given for chart(s) ${missing.join(
          ', ',
        )}`,
      );
    }
    this.dir = await mkdtemp(join(tmpdir(), 'local-chart-repo-'));
    const root = join(this.dir, 'repo');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      HELM_CACHE_HOME: join(this.dir, 'helm', 'cache'),
      HELM_CONFIG_HOME: join(this.dir, 'helm', 'config'),
      HELM_DATA_HOME: join(this.dir, 'helm', 'data'),
    };
    const helm = async (args: string[]) => {
      try {
        await run(helmBin, args, { env });
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        throw new Error(
          `LocalChartRepository: helm ${args.join(' ')} failed: ${
            e.stderr?.trim() || e.message
          }`,
        );
      }
    };
    for (const [chart, repository] of Object.entries(this.repositories)) {
      const chartDir = join(chartsDir, chart);
      if (!existsSync(join(chartDir, 'Chart.yaml'))) {
        throw new Error(
          `LocalChartRepository: no chart ${chart} in ${chartsDir}`,
        );
      }
      const out = join(root, repositorySubdirectory(repository));
      await mkdir(out, { recursive: true });
      for (const version of ([] as string[]).concat(
        this.options.versions[chart],
      )) {
        await helm(['package', chartDir, '-d', out, '--version', version]);
      }
    }

    this.server = createServer((req, res) => {
      const method = req.method ?? 'GET';
      const rawPath = new URL(req.url ?? '/', 'http://localhost').pathname;
      let path = rawPath;
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        path = '';
      }
      const answer = (status: number, body?: Buffer | string) => {
        this.served.push({ method, path: path || rawPath, status });
        let type = 'text/plain';
        if (path.endsWith('.yaml')) type = 'application/x-yaml';
        if (path.endsWith('.tgz')) type = 'application/gzip';
        res.writeHead(status, {
          'content-type': type,
          ...(body !== undefined
            ? { 'content-length': Buffer.byteLength(body) }
            : {}),
        });
        res.end(method === 'HEAD' ? undefined : body);
      };
      if (method !== 'GET' && method !== 'HEAD') {
        answer(405, 'only GET and HEAD\n');
        return;
      }
      const file = resolve(root, `.${path}`);
      if (!path || !file.startsWith(`${root}${sep}`)) {
        answer(404, 'not found\n');
        return;
      }
      stat(file)
        .then(s => (s.isFile() ? readFile(file) : undefined))
        .then(
          body => (body ? answer(200, body) : answer(404, 'not found\n')),
          () => answer(404, 'not found\n'),
        );
    });
    await new Promise<void>((ok, fail) => {
      this.server!.once('error', fail);
      this.server!.listen(0, '127.0.0.1', () => ok());
    });
    this.baseUrl = `http://127.0.0.1:${
      (this.server.address() as AddressInfo).port
    }`;
    for (const sub of await readdir(root)) {
      await helm(['repo', 'index', join(root, sub), '--url', this.subUrl(sub)]);
    }
    return this;
  }

  private subUrl(sub: string): string {
    return `${this.url}/${sub}`;
  }

  /** The local URL standing in for a public repository URL. */
  repositoryUrl(publicRepositoryUrl: string): string {
    return this.subUrl(repositorySubdirectory(publicRepositoryUrl));
  }

  /**
   * `coderPlatform.clusterActions.helm.repositoryMirrors` entries: each
   * public repository of the template mapped to its local sub-directory.
   */
  mirrorsConfig(): Array<{ repository: string; mirror: string }> {
    return [...new Set(Object.values(this.repositories))].map(repository => ({
      repository,
      mirror: this.repositoryUrl(repository),
    }));
  }

  /** Every request answered so far, in order. */
  requests(): ChartRepositoryRequest[] {
    return [...this.served];
  }

  /** Stops serving and removes the packaged charts. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>(ok => server.close(() => ok()));
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
