#!/usr/bin/env node
// Production bundle check: builds the backend as for a container image
// (`yarn build:backend`: dist/bundle.tar.gz with every workspace package
// compiled to dist/), unpacks it into a temporary directory and starts it with
// node, no TypeScript loader. The suite's plugins import ESM-only clients
// (@kubernetes/client-node, @keycloak/keycloak-admin-client) statically; this
// proves Node loads them through require(esm) in the bundle.
//
// Third-party dependencies come from the repository's node_modules (linked
// one by one) instead of a second production install; the suite's own
// packages come from the bundle.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const artifacts = resolve(root, 'artifacts/e2e');
mkdirSync(artifacts, { recursive: true });
const port = Number(process.env.BUNDLE_PORT ?? 7017);
const results = [];
// A static external-access token: guest sign-in is off in production mode.
const accessToken = randomBytes(24).toString('hex');
let backend;
const work = mkdtempSync(join(tmpdir(), 'coder-platform-bundle-'));

async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name}`);
  } catch (error) {
    results.push({ name, ok: false, error: String(error?.message ?? error) });
    console.log(
      `  ✕ ${name}\n      ${String(error?.message ?? error).split('\n')[0]}`,
    );
  }
}

function linkNodeModules() {
  const source = resolve(root, 'node_modules');
  const target = join(work, 'node_modules');
  mkdirSync(target);
  for (const entry of readdirSync(source)) {
    if (entry === '@coder-platform' || entry === '.bin') continue;
    symlinkSync(join(source, entry), join(target, entry));
  }
  // The suite's packages resolve to their compiled copies in the bundle:
  // every workspace package the bundle holds, by its package.json name.
  mkdirSync(join(target, '@coder-platform'));
  for (const group of ['plugins', 'packages']) {
    const dir = join(work, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) {
      const manifest = join(dir, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
      if (name?.startsWith('@coder-platform/')) {
        symlinkSync(
          join(dir, entry),
          join(
            target,
            '@coder-platform',
            name.slice('@coder-platform/'.length),
          ),
        );
      }
    }
  }
}

async function waitReady() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (backend.exitCode !== null)
      throw new Error(
        `bundled backend exited with ${backend.exitCode}; see artifacts/e2e/bundle.log`,
      );
    try {
      if (
        (await fetch(`http://localhost:${port}/.backstage/health/v1/readiness`))
          .ok
      )
        return;
    } catch {
      /* not yet */
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    'bundled backend not ready within 120 s; see artifacts/e2e/bundle.log',
  );
}

console.log('backend bundle');
try {
  await check('yarn build:backend produces the bundle', async () => {
    execFileSync('yarn', ['build:backend'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    execFileSync('tar', [
      'xzf',
      resolve(root, 'packages/backend/dist/bundle.tar.gz'),
      '-C',
      work,
    ]);
    linkNodeModules();
  });

  await check(
    'the bundle ships the devbox Coder template coder:template:fetch copies',
    async () => {
      // The actions package resolves it with resolvePackagePath: its own
      // folder in the bundle (package.json `files`), byte for byte the source.
      const source = resolve(
        root,
        'plugins/scaffolder-actions/coder-templates/devbox',
      );
      const bundled = join(
        work,
        'node_modules/@coder-platform/plugin-scaffolder-backend-module-coder-platform/coder-templates/devbox',
      );
      const files = readdirSync(source);
      const missing = files.filter(
        file =>
          !existsSync(join(bundled, file)) ||
          !readFileSync(join(bundled, file)).equals(
            readFileSync(join(source, file)),
          ),
      );
      if (!files.includes('main.tf') || missing.length > 0) {
        throw new Error(
          `the bundle lacks or differs in coder-templates/devbox/${missing.join(
            ', ',
          )} (is coder-templates in the package.json files of plugins/scaffolder-actions?)`,
        );
      }
    },
  );

  await check(
    'the bundled backend starts with the suite plugins loaded',
    async () => {
      const config = join(work, 'app-config.bundle.yaml');
      writeFileSync(
        config,
        [
          'app: { baseUrl: "http://localhost:3000" }',
          `backend: { baseUrl: "http://localhost:${port}", listen: { port: ${port} }, auth: { externalAccess: [ { type: static, options: { token: ${accessToken}, subject: bundle-check } } ] } }`,
          'catalog: { locations: [] }',
          'coderPlatform: { clusters: [ { name: bundle-check, title: Bundle check } ] }',
        ].join('\n'),
      );
      const log = openSync(resolve(artifacts, 'bundle.log'), 'w');
      backend = spawn(
        process.execPath,
        [
          'packages/backend',
          '--config',
          resolve(root, 'app-config.yaml'),
          '--config',
          config,
        ],
        {
          cwd: work,
          detached: true,
          stdio: ['ignore', log, log],
          env: { ...process.env, NODE_ENV: 'production' },
        },
      );
      await waitReady();
    },
  );

  await check(
    'the bundled backend serves /api/coder-platform/clusters',
    async () => {
      const response = await fetch(
        `http://localhost:${port}/api/coder-platform/clusters`,
        {
          headers: { authorization: `Bearer ${accessToken}` },
        },
      );
      const body = await response.json();
      if (response.status !== 200 || body.items?.[0]?.name !== 'bundle-check') {
        throw new Error(
          `unexpected answer ${response.status}: ${JSON.stringify(body)}`,
        );
      }
    },
  );
} finally {
  if (backend?.pid) {
    try {
      process.kill(-backend.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(work, { recursive: true, force: true });
}

const passed = results.filter(r => r.ok).length;
const failed = results.length - passed;
writeFileSync(
  resolve(artifacts, 'bundle-summary.json'),
  JSON.stringify({ passed, failed, results }, null, 2),
);
console.log(`bundle: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
