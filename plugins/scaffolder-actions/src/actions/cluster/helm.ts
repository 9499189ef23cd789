import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { redact } from '@coder-platform/plugin-coder-platform-node';

/** A failed helm invocation; its text is already masked. */
export class HelmError extends Error {
  readonly name = 'HelmError';
  constructor(message: string, readonly stderr: string) {
    super(message);
  }
}

const API_SERVER_DOWN =
  /the server is currently unable to handle the request|Kubernetes cluster unreachable|unexpected EOF|": EOF\b|connection refused|connection reset|error when reading response body|i\/o timeout|TLS handshake timeout|no route to host|http2: (server sent GOAWAY|client connection lost)|\b50[0-4]\b.*(Service Unavailable|Bad Gateway|Internal Server Error)/i;

/** Whether a helm failure is the API server failing or unreachable (not the chart or values). */
export function isHelmApiServerFailure(error: unknown): boolean {
  const e = error as { message?: string; stderr?: string };
  return API_SERVER_DOWN.test(`${e?.message ?? ''}\n${e?.stderr ?? ''}`);
}

/** `helm get metadata -o json`. */
export interface HelmReleaseMetadata {
  name: string;
  chart: string;
  version: string;
  appVersion?: string;
  namespace: string;
  revision: number;
  status: string;
}

/**
 * Runs the real helm CLI against one cluster. The kubeconfig is written to a
 * private (0600) file in a private temporary directory, used for every call
 * and removed by `dispose()`. Helm's own cache/config/data live there too,
 * so runs never share repository state. Output is masked before it is
 * returned or thrown.
 */
export class HelmRunner {
  private majorVersion?: number;

  private constructor(
    private readonly binary: string,
    private readonly dir: string,
    private readonly secrets: Iterable<string>,
    private readonly signal?: AbortSignal,
  ) {}

  static async create(options: {
    binary: string;
    kubeConfig: KubeConfig;
    secrets?: Iterable<string>;
    signal?: AbortSignal;
  }): Promise<HelmRunner> {
    const dir = await mkdtemp(join(tmpdir(), 'coder-platform-helm-'));
    await chmod(dir, 0o700);
    const runner = new HelmRunner(
      options.binary,
      dir,
      options.secrets ?? [],
      options.signal,
    );
    await runner.writePrivate('kubeconfig', options.kubeConfig.exportConfig());
    return runner;
  }

  /** Path of the 0600 kubeconfig (for tests). */
  get kubeconfigPath(): string {
    return join(this.dir, 'kubeconfig');
  }

  /** Writes a private (0600) file in the runner's directory and returns its path. */
  async writePrivate(name: string, content: string): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, content, { mode: 0o600 });
    await chmod(path, 0o600);
    return path;
  }

  /** Removes the kubeconfig, values files and helm's state. */
  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Helm's major version (3 or 4): the rollback flag was renamed in 4. */
  async major(): Promise<number> {
    if (this.majorVersion === undefined) {
      const out = await this.run(['version', '--short']);
      const match = /v(\d+)\./.exec(out);
      this.majorVersion = match ? Number(match[1]) : 3;
    }
    return this.majorVersion;
  }

  /** Release metadata, or `undefined` when the release does not exist. */
  async metadata(
    name: string,
    namespace: string,
  ): Promise<HelmReleaseMetadata | undefined> {
    try {
      return JSON.parse(
        await this.run([
          'get',
          'metadata',
          name,
          '-n',
          namespace,
          '-o',
          'json',
        ]),
      );
    } catch (error) {
      if (error instanceof HelmError && /not found/i.test(error.stderr)) {
        return undefined;
      }
      throw error;
    }
  }

  /** User-supplied values of the deployed revision. */
  async values(name: string, namespace: string): Promise<unknown> {
    // Unmasked: compared with the desired values, never logged.
    const out = await this.run(
      ['get', 'values', name, '-n', namespace, '-o', 'json'],
      { unmaskedStdout: true },
    );
    return JSON.parse(out) ?? {};
  }

  /**
   * Runs helm with the private kubeconfig and state; resolves to stdout,
   * masked unless `unmaskedStdout` (for output that is parsed, never logged).
   */
  run(
    args: string[],
    opts: { unmaskedStdout?: boolean } = {},
  ): Promise<string> {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      HELM_CACHE_HOME: join(this.dir, 'cache'),
      HELM_CONFIG_HOME: join(this.dir, 'config'),
      HELM_DATA_HOME: join(this.dir, 'data'),
      KUBECONFIG: this.kubeconfigPath,
      ...(process.env.HTTPS_PROXY
        ? { HTTPS_PROXY: process.env.HTTPS_PROXY }
        : {}),
      ...(process.env.NO_PROXY ? { NO_PROXY: process.env.NO_PROXY } : {}),
    };
    return new Promise((resolve, reject) => {
      execFile(
        this.binary,
        [...args, '--kubeconfig', this.kubeconfigPath],
        { env, signal: this.signal, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const out = opts.unmaskedStdout
            ? String(stdout)
            : redact(String(stdout), this.secrets);
          const err = redact(String(stderr), this.secrets).trim();
          if (error) {
            if ((error as { code?: string }).code === 'ENOENT') {
              reject(
                new HelmError(
                  `helm binary "${this.binary}" not found: set coderPlatform.clusterActions.helm.binary in app-config or put helm on PATH`,
                  '',
                ),
              );
              return;
            }
            if (this.signal?.aborted) {
              reject(new Error(`helm ${args[0]} was cancelled with the task`));
              return;
            }
            // Helm logs warnings first and its verdict last as `Error: ...`.
            const verdict = err
              .split('\n')
              .filter(line => line.startsWith('Error: '))
              .pop()
              ?.slice('Error: '.length);
            reject(
              new HelmError(
                `helm ${args[0]} failed: ${
                  verdict || err || redact(error.message, this.secrets)
                }`,
                err,
              ),
            );
            return;
          }
          resolve(out);
        },
      );
    });
  }
}
