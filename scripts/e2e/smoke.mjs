#!/usr/bin/env node
// End-to-end smoke test: starts the portal for real (backend :7007, frontend
// :3000, SQLite in memory), drives Debian's Chromium with playwright-core,
// signs in as guest and checks what a new user sees. Every process it starts
// runs in its own process group and is killed by PID, pass or fail.
//
// Prints one line per check and a closing "N passed, N failed" line; writes
// screenshots and a JSON summary to artifacts/e2e/.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const artifacts = resolve(root, 'artifacts/e2e');
mkdirSync(artifacts, { recursive: true });

const FRONTEND = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT_MS ?? 300_000);

const children = [];
function startPortal() {
  const log = openSync(resolve(artifacts, 'portal.log'), 'w');
  const child = spawn('yarn', ['start'], {
    cwd: root,
    detached: true, // own process group, so the whole tree is killed below
    stdio: ['ignore', log, log],
    env: { ...process.env, BROWSER: 'none', FORCE_COLOR: '0' },
  });
  children.push(child);
  return child;
}

function stopAll() {
  for (const child of children) {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  }
}
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
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

async function waitFor(url, what, child) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `${what}: the portal exited with code ${child.exitCode}; see artifacts/e2e/portal.log`,
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
      START_TIMEOUT_MS / 1000
    } s; see artifacts/e2e/portal.log`,
  );
}

const results = [];
let page;
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`  ✓ ${name}`);
  } catch (error) {
    results.push({
      name,
      ok: false,
      ms: Date.now() - started,
      error: String(error?.message ?? error),
    });
    console.log(
      `  ✕ ${name}\n      ${String(error?.message ?? error).split('\n')[0]}`,
    );
  }
}

let browser;
try {
  const portal = startPortal();
  await waitFor(`${BACKEND}/.backstage/health/v1/readiness`, 'backend', portal);
  await waitFor(FRONTEND, 'frontend', portal);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
  });
  page.setDefaultTimeout(60_000);

  // The sidebar entry of our plugin: present once the app is signed in.
  const sidebarEntry = () =>
    page.getByRole('link', { name: 'Coder Platform', exact: true }).first();

  // Opens a page of the app; signs in as guest again if the app asks (a full
  // page load restores the guest session from local storage when it can).
  async function openSignedIn(url) {
    await page.goto(url);
    const enter = page.getByRole('button', { name: 'Enter' });
    await sidebarEntry().or(enter).first().waitFor();
    if (await enter.isVisible()) {
      await enter.click();
      await sidebarEntry().waitFor();
    }
  }

  console.log('e2e smoke');
  await check('guest sign-in reaches the catalog', async () => {
    await page.goto(FRONTEND);
    await page.getByRole('button', { name: 'Enter' }).click();
    await sidebarEntry().waitFor();
    await page
      .getByRole('link', { name: 'Catalog', exact: true })
      .first()
      .waitFor();
  });

  // The catalog table shows the System's title and links to its page.
  const systemLink = () =>
    page.getByRole('link', {
      name: 'Coder Platform for Backstage',
      exact: true,
    });

  await check(
    "the catalog lists this suite's System coder-platform",
    async () => {
      await openSignedIn(
        `${FRONTEND}/?filters%5Bkind%5D=system&filters%5Buser%5D=all`,
      );
      await systemLink().waitFor();
      await page.screenshot({
        path: resolve(artifacts, 'catalog-systems.png'),
        fullPage: true,
      });
    },
  );

  await check('the System page shows its description', async () => {
    await systemLink().click();
    await page.waitForURL(/system\/coder-platform/);
    await page
      .getByText('Self-service Coder development clusters')
      .first()
      .waitFor();
    await page.screenshot({
      path: resolve(artifacts, 'system-page.png'),
      fullPage: true,
    });
  });

  await check('the Coder Platform page lists configured clusters', async () => {
    await openSignedIn(`${FRONTEND}/coder-platform`);
    await page.getByText('Coder development clusters').first().waitFor();
    await page.getByText('No clusters configured').waitFor();
    await page.screenshot({
      path: resolve(artifacts, 'coder-platform-page.png'),
      fullPage: true,
    });
  });
} catch (error) {
  results.push({
    name: 'portal start',
    ok: false,
    error: String(error?.message ?? error),
  });
  console.log(`  ✕ portal start\n      ${error?.message ?? error}`);
} finally {
  await browser?.close().catch(() => {});
  stopAll();
}

const passed = results.filter(r => r.ok).length;
const failed = results.length - passed;
writeFileSync(
  resolve(artifacts, 'summary.json'),
  JSON.stringify({ passed, failed, results }, null, 2),
);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
