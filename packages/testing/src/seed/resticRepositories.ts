import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SeedResticOptions {
  resticBin: string;
  /** `gs:<bucket>:/<prefix>` base; repositories go below it. */
  bucket: string;
  prefix: string;
  password: string;
  /** Environment that lets restic reach the GCS emulator (see `startGcsTlsProxy`). */
  env: Record<string, string>;
  caCertFile: string;
  /** Workspace repositories to create, each with `snapshots` backups of `files` files. */
  workspaces: {
    name: string;
    snapshots: number;
    files: number;
    password?: string;
  }[];
}

/** Creates restic repositories with the real binary, the way the workspace sidecar does (`init`, then `backup --host`). */
export async function seedResticRepositories(
  options: SeedResticOptions,
): Promise<void> {
  for (const workspace of options.workspaces) {
    const repo = `gs:${options.bucket}:/${options.prefix}/${workspace.name}`;
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...options.env,
      RESTIC_PASSWORD: workspace.password ?? options.password,
    };
    const base = [
      '--repo',
      repo,
      '--cacert',
      options.caCertFile,
      '--no-cache',
      '--quiet',
    ];
    await run(options.resticBin, [...base, 'init'], { env, timeout: 60_000 });
    const data = await mkdtemp(join(tmpdir(), `restic-${workspace.name}-`));
    try {
      for (let s = 0; s < workspace.snapshots; s++) {
        for (let f = 0; f < workspace.files; f++) {
          await writeFile(
            join(data, `file-${f}.txt`),
            `${workspace.name} snapshot ${s} file ${f}\n`,
          );
        }
        await run(
          options.resticBin,
          [...base, 'backup', data, '--host', workspace.name],
          {
            env,
            timeout: 60_000,
          },
        );
      }
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  }
}
