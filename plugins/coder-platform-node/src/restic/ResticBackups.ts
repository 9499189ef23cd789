import { execFile } from 'node:child_process';
import type { Bucket } from '@google-cloud/storage';
import type { WorkspaceBackup } from '@coder-platform/plugin-coder-platform-common';
import { CallOptions, gateOf } from '../callOptions';
import { BucketLike, ObjectStore, objectStoreOf } from '../walg/gcsObjects';

/** The bucket used to find repositories: the official client's, or one with its API. */
export type PrefixListingBucket = Bucket | BucketLike;

export interface ResticBackupsOptions {
  /** Bucket handle (official client) used to list repository folders. */
  bucket: PrefixListingBucket;
  /** Object prefix holding one repository per workspace, e.g. `coder/dev`. */
  prefix: string;
  /** Repository password (all workspaces of a cluster share it). */
  password: string;
  /** Path of the restic binary. Default `restic` on PATH. */
  resticBin?: string;
  /** Extra environment for restic: Google credentials, proxy. Never logged. */
  env?: Record<string, string>;
  /** Extra CA certificate restic trusts (`--cacert`). */
  caCertFile?: string;
  /** restic's cache directory; keeps warm reads cheap. */
  cacheDir?: string;
  /** restic processes at once within one call (a gate may bound them further). Default 2. */
  concurrency?: number;
  /** Time budget per restic process; the call's signal may end it sooner. Default 120 s. */
  timeoutMs?: number;
  onRequest?: (operation: string) => void;
}

/**
 * restic could not read the repositories at all: the storage did not answer
 * (restic gave up after its own retries, or did not finish within the time
 * budget), or the restic binary cannot be started. Not one repository's
 * fault, so the whole read fails (callers answer stale data or "unavailable")
 * instead of reporting every repository as broken.
 */
export class ResticUnavailableError extends Error {
  readonly name = 'ResticUnavailableError';
}

/** restic's message (a `Fatal:` line) when the storage itself failed after restic's retries. */
const STORAGE_UNREACHABLE =
  /googleapi: Error 5\d\d|Error 429|dial tcp|connection refused|connection reset|broken pipe|unexpected EOF|[^a-z]EOF\b|i\/o timeout|TLS handshake|no such host|context deadline exceeded|Client\.Timeout|proxyconnect/i;

interface ResticSnapshot {
  id: string;
  short_id?: string;
  time: string;
  hostname?: string;
  paths?: string[];
}

/**
 * Reads workspace home backups with the real restic binary: one repository
 * per workspace under a prefix (`gs:<bucket>:/<prefix>/coder-<owner>-<ws>`),
 * two restic runs per repository (`snapshots`, then `stats` of the newest),
 * both with `--no-lock` so reading never blocks a backup.
 */
export class ResticBackups {
  readonly #options: ResticBackupsOptions;
  readonly #prefix: string;
  readonly #objects: ObjectStore;

  constructor(options: ResticBackupsOptions) {
    this.#options = options;
    this.#prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.#objects = objectStoreOf(options.bucket, {
      onRequest: () => options.onRequest?.('gcs.list'),
    });
  }

  /** `gs:<bucket>:/<prefix>/<repository>`, the location restic is given. */
  repositoryUrl(repository: string): string {
    return `gs:${this.#objects.bucketName}:/${this.#prefix}/${repository}`;
  }

  /** Folder names directly under the prefix: one restic repository each. */
  async listRepositories(options: CallOptions = {}): Promise<string[]> {
    const folder = `${this.#prefix}/`;
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.#objects.list(
        { prefix: folder, delimiter: '/', maxResults: 1000, pageToken },
        options,
      );
      names.push(
        ...page.prefixes.map(p => p.slice(folder.length).replace(/\/$/, '')),
      );
      pageToken = page.nextPageToken;
    } while (pageToken);
    return names.sort();
  }

  /**
   * Latest snapshot, its size and the snapshot count of every repository.
   * The call's signal kills running restic processes and starts no more.
   */
  async list(
    now = new Date(),
    options: CallOptions = {},
  ): Promise<WorkspaceBackup[]> {
    const repositories = await this.listRepositories(options);
    const limit = Math.max(1, this.#options.concurrency ?? 2);
    const results = new Array<WorkspaceBackup>(repositories.length);
    let next = 0;
    // The first failure of the whole read stops every worker; the call
    // settles only once no restic process of it is left running.
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (next < repositories.length && !failure) {
        const index = next++;
        try {
          options.signal?.throwIfAborted();
          results[index] = await this.read(repositories[index], now, options);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(limit, repositories.length) }, worker),
    );
    if (failure) throw failure.error;
    return results;
  }

  /**
   * One repository; a failure of that repository (wrong password, damaged
   * or missing repository, restic exiting with an error) is reported in
   * `error`. Unreachable storage or a restic that cannot run throws a
   * {@link ResticUnavailableError}, as does an aborted call its reason.
   */
  async read(
    repository: string,
    now = new Date(),
    options: CallOptions = {},
  ): Promise<WorkspaceBackup> {
    try {
      const snapshots = JSON.parse(
        await this.#restic(repository, ['snapshots', '--json'], options),
      ) as ResticSnapshot[] | null;
      const list = snapshots ?? [];
      if (list.length === 0) return { repository, snapshotCount: 0 };
      const latest = list.reduce((a, b) =>
        Date.parse(b.time) > Date.parse(a.time) ? b : a,
      );
      const stats = JSON.parse(
        await this.#restic(repository, ['stats', latest.id, '--json'], options),
      ) as { total_size?: number; total_file_count?: number };
      return {
        repository,
        snapshotCount: list.length,
        latestSnapshot: {
          id: latest.short_id ?? latest.id.slice(0, 8),
          time: latest.time,
          hostname: latest.hostname,
          paths: latest.paths ?? [],
          restoreSize: stats.total_size,
          fileCount: stats.total_file_count,
        },
        ageSeconds: Math.max(
          0,
          Math.round((now.getTime() - Date.parse(latest.time)) / 1000),
        ),
      };
    } catch (error) {
      // An aborted call is not this repository's fault: let the call fail.
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (error instanceof ResticUnavailableError) throw error;
      return { repository, snapshotCount: 0, error: (error as Error).message };
    }
  }

  #restic(
    repository: string,
    args: string[],
    callOptions: CallOptions,
  ): Promise<string> {
    return gateOf(callOptions)(`restic ${args[0]}`, signal =>
      this.#run(repository, args, signal),
    );
  }

  /** One restic process; it is killed when `signal` aborts, and settles once it has exited. */
  #run(
    repository: string,
    args: string[],
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const options = this.#options;
    const fullArgs = [
      '--repo',
      this.repositoryUrl(repository),
      '--no-lock',
      '--quiet',
      ...(options.caCertFile ? ['--cacert', options.caCertFile] : []),
      ...(options.cacheDir
        ? ['--cache-dir', options.cacheDir]
        : ['--no-cache']),
      ...args,
    ];
    options.onRequest?.(`restic ${args[0]}`);
    const bin = options.resticBin ?? 'restic';
    const timeoutMs = options.timeoutMs ?? 120_000;
    return new Promise((resolve, reject) => {
      execFile(
        bin,
        fullArgs,
        {
          timeout: timeoutMs,
          signal,
          killSignal: 'SIGKILL',
          maxBuffer: 64 * 1024 * 1024,
          // Only what restic needs: the password travels in the environment,
          // never on the command line.
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: process.env.HOME ?? '/tmp',
            ...options.env,
            RESTIC_PASSWORD: options.password,
          },
        },
        (error, stdout, stderr) => {
          if (error) {
            const lines = stderr
              .split('\n')
              .map(line => line.trim())
              .filter(Boolean);
            if (signal?.aborted) {
              reject(signal.reason ?? error);
              return;
            }
            const code = (error as NodeJS.ErrnoException).code as
              | string
              | number
              | undefined;
            if (code === 'ENOENT' || code === 'EACCES') {
              reject(
                new ResticUnavailableError(
                  `the restic binary ${bin} cannot be run (${code}): install restic or set coderPlatform.restic.binary to its path`,
                ),
              );
              return;
            }
            const fatal = lines.find(line => line.startsWith('Fatal:'));
            if (error.killed) {
              reject(
                new ResticUnavailableError(
                  `restic ${args[0]} of ${repository} did not finish within ${
                    timeoutMs / 1000
                  } s: the repository ${this.repositoryUrl(
                    repository,
                  )} is unreachable or too slow (restic retries the storage itself before it gives up)${
                    fatal ? `: ${fatal}` : ''
                  }`,
                ),
              );
              return;
            }
            if (fatal && STORAGE_UNREACHABLE.test(fatal)) {
              reject(
                new ResticUnavailableError(
                  `restic ${
                    args[0]
                  } of ${repository} could not reach the repository ${this.repositoryUrl(
                    repository,
                  )} after its retries: ${fatal}`,
                ),
              );
              return;
            }
            let exit = `exited with code ${code} without a message`;
            if (error.signal) exit = `was ended by signal ${error.signal}`;
            const reason = fatal ?? lines.pop() ?? `restic ${exit}`;
            reject(
              new Error(`restic ${args[0]} of ${repository} failed: ${reason}`),
            );
            return;
          }
          resolve(stdout);
        },
      );
    });
  }
}
