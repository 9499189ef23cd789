// Shared parts of the end-to-end runs: starting the portal the way the README
// does (scripts/start-portal.sh) in its own process group, waiting for it,
// stopping it by PID, the browser, and the pass/fail bookkeeping.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const root = resolve(import.meta.dirname, '../..');
export const artifacts = resolve(root, 'artifacts/e2e');
mkdirSync(artifacts, { recursive: true });

export const FRONTEND = 'http://localhost:3000';
export const BACKEND = 'http://localhost:7007';
const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT_MS ?? 600_000);

const children = new Set();
process.on('exit', () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}

function portInUse(port) {
  return new Promise(done => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** Fails when another portal already listens on :3000 or :7007. */
export async function requireFreePorts() {
  for (const port of [3000, 7007]) {
    if (await portInUse(port)) {
      throw new Error(
        `port ${port} is in use: stop the other portal before running the e2e tests`,
      );
    }
  }
}

/** `bash scripts/start-portal.sh ...args` with its output in artifacts/e2e/<log>. */
export function startPortal({ args = [], env = {}, log }) {
  const out = openSync(resolve(artifacts, log), 'w');
  const child = spawn('bash', ['scripts/start-portal.sh', ...args], {
    cwd: root,
    detached: true, // own process group: portal, local cluster, webpack
    stdio: ['ignore', out, out],
    env: { ...process.env, BROWSER: 'none', FORCE_COLOR: '0', ...env },
  });
  children.add(child);
  return child;
}

/** SIGTERM to the portal's process group, then SIGKILL after 15 s. */
export async function stopPortal(child) {
  if (!child?.pid) return;
  const exited = new Promise(done => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', done);
  });
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 15_000);
  await exited;
  clearTimeout(timer);
  // The group may outlive its leader for a moment (webpack, backend).
  for (let i = 0; i < 30 && (await portInUse(7007)); i++) {
    await new Promise(r => setTimeout(r, 500));
  }
  children.delete(child);
}

export async function waitFor(url, what, child, timeoutMs = START_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `${what}: the portal exited with code ${child.exitCode}; see artifacts/e2e/`,
      );
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${what} did not answer ${url} within ${
      timeoutMs / 1000
    } s; see artifacts/e2e/`,
  );
}

/** Waits until backend and frontend answer; prints how long that took. */
export async function waitForPortal(child) {
  const started = Date.now();
  await waitFor(`${BACKEND}/.backstage/health/v1/readiness`, 'backend', child);
  await waitFor(FRONTEND, 'frontend', child);
  console.log(
    `  portal answering after ${Math.round((Date.now() - started) / 1000)} s`,
  );
}

export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  return browser;
}

export const results = [];

/**
 * Runs one check; on failure waits for the backend (the dev server restarts
 * when sources change) and tries once more, then records the outcome.
 */
export async function check(name, fn, { retry, page } = {}) {
  const started = Date.now();
  let error;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fn();
      error = undefined;
      break;
    } catch (e) {
      error = e;
      if (attempt > 0 || !retry) break;
      try {
        await retry();
      } catch (e2) {
        error = e2; // the portal did not come back: no second attempt
        break;
      }
    }
  }
  const ms = Date.now() - started;
  if (!error) {
    results.push({ name, ok: true, ms });
    console.log(`  ✓ ${name} (${(ms / 1000).toFixed(1)} s)`);
  } else {
    const message = String(error?.message ?? error);
    results.push({ name, ok: false, ms, error: message });
    if (page) {
      const slug = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, 60);
      await page
        .screenshot({
          path: resolve(artifacts, `failed-${slug}.png`),
          fullPage: true,
        })
        .catch(() => {});
    }
    console.log(`  ✕ ${name}\n      ${message.split('\n')[0]}`);
  }
  return !error;
}

export function fail(name, error) {
  results.push({ name, ok: false, error: String(error?.message ?? error) });
  console.log(`  ✕ ${name}\n      ${error?.message ?? error}`);
}

/** Writes artifacts/e2e/summary.json and prints the closing line; returns the exit code. */
export function finish(startedAt) {
  const passed = results.filter(r => r.ok).length;
  const failed = results.length - passed;
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  writeFileSync(
    resolve(artifacts, 'summary.json'),
    JSON.stringify({ passed, failed, seconds, results }, null, 2),
  );
  console.log(`e2e (${seconds} s): ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}
