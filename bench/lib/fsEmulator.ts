/*
 * The real GCS emulator (fake-gcs-server, the peers' build) on its
 * filesystem backend, loaded without uploads: `writeFsBucket` writes the
 * objects straight into the backend's on-disk format (bench/lib/gcsfs, Go,
 * standard library), and the emulator reads them lazily from disk when asked.
 * A bench's own emulator process, port and folder: the shared peer is never
 * touched.
 */
import { requirePeer } from '@coder-platform/testing';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function fakeGcsBinary(): string {
  const { PEERS_GCS_VERSION } = requirePeer('gcs', ['PEERS_GCS_VERSION']);
  const bin = join(
    homedir(),
    '.cache/coder-platform-peers',
    `fake-gcs-server-${PEERS_GCS_VERSION}`,
    'fake-gcs-server',
  );
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`yarn peers up gcs\` first`);
  }
  return bin;
}

const buildDir = join(tmpdir(), `coder-platform-bench-${process.pid}`);

/** Removes the gcsfs build of this process. */
export async function removeGcsfsBuild(): Promise<void> {
  await rm(buildDir, { recursive: true, force: true });
}

/** Builds bench/lib/gcsfs once per run with the machine's Go (as the peers do). */
async function gcsfsBinary(): Promise<string> {
  const out = join(buildDir, 'gcsfs');
  if (!existsSync(out)) {
    await mkdir(join(out, '..'), { recursive: true });
    await run('go', ['build', '-o', out, resolve(__dirname, 'gcsfs/main.go')], {
      env: {
        ...process.env,
        CGO_ENABLED: '0',
        GOTOOLCHAIN: 'local',
        GOFLAGS: '-trimpath -buildvcs=false',
      },
    }).catch(error => {
      throw new Error(
        `go build bench/lib/gcsfs failed (Go is needed, as for \`yarn peers up gcs\`): ${
          error.stderr ?? error
        }`,
      );
    });
  }
  return out;
}

/**
 * Writes the objects into `root` as fake-gcs-server's filesystem backend
 * stores them (file + `user.metadata` xattr); returns the count written.
 */
export async function writeFsBucket(
  root: string,
  bucket: string,
  objects: Iterable<{ name: string; contents: string }>,
): Promise<number> {
  const bin = await gcsfsBinary();
  const child = spawn(bin, [root, bucket], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => (stdout += d));
  child.stderr.on('data', d => (stderr += d));
  const exited = new Promise<number | null>(r => child.on('close', r));
  let chunk = '';
  const flush = async () => {
    if (!child.stdin.write(chunk)) {
      await new Promise(r => child.stdin.once('drain', r));
    }
    chunk = '';
  };
  for (const object of objects) {
    if (object.name.includes('\0') || object.contents.includes('\0')) {
      throw new Error(`object ${object.name}: NUL in name or contents`);
    }
    chunk += `${object.name}\0${object.contents}\0`;
    if (chunk.length > 1 << 20) await flush();
  }
  await flush();
  child.stdin.end();
  const code = await exited;
  if (code !== 0) {
    throw new Error(
      `gcsfs exited with ${code}: ${stderr.trim() || '(no output)'}`,
    );
  }
  return Number(stdout.trim());
}

async function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const server = createServer();
    server.once('error', ko);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? ok(address.port)
          : ko(new Error('no port')),
      );
    });
  });
}

export interface FsEmulator {
  url: string;
  child: ChildProcess;
  /** Seconds from spawn to the first answer of GET /storage/v1/b. */
  startSeconds: number;
  stop(): Promise<void>;
}

/** Starts fake-gcs-server on the filesystem backend rooted at `root`. */
export async function startFsEmulator(root: string): Promise<FsEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawn(
    fakeGcsBinary(),
    [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(port),
      '-backend',
      'filesystem',
      '-filesystem-root',
      root,
      '-public-host',
      host,
      '-external-url',
      `http://${host}`,
      '-log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', d => (stderr = (stderr + d).slice(-2000)));
  const url = `http://${host}`;
  const started = performance.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/storage/v1/b`)).ok) break;
    } catch {
      /* starting */
    }
    if (child.exitCode !== null) {
      throw new Error(
        `fake-gcs-server exited with ${child.exitCode}: ${stderr.trim()}`,
      );
    }
    if (performance.now() - started > 60_000) {
      child.kill();
      throw new Error(`fake-gcs-server did not answer on ${url} within 60 s`);
    }
    await new Promise(r => setTimeout(r, 200));
  }
  return {
    url,
    child,
    startSeconds: Math.round((performance.now() - started) / 100) / 10,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
