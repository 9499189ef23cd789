#!/usr/bin/env node
// End-to-end tests: start the portal the way the README does
// (scripts/start-portal.sh: the local servers, the seeded local demo cluster,
// backend :7007 and frontend :3000), drive Debian's Chromium with
// playwright-core, and check what users see. Two portal starts:
//   1. guest sign-in (a platform admin locally): catalog, the Coder Platform
//      page and every tab of the cluster page, asserting seeded values; the
//      software templates at /create, their forms, and one workspace-image
//      task run to the end against the local servers (templates.mjs);
//   2. the production sign-in settings pointed at the local Keycloak: sign in
//      on the real Keycloak login page as a realm user who is no admin, who
//      must not see user data.
// Every process it starts runs in its own process group and is killed by
// PID, pass or fail.
//
// Prints one line per check and a closing "N passed, N failed" line; writes
// screenshots and summary.json to artifacts/e2e/. With
// E2E_SCREENSHOTS_TO_DOCS=1 the view screenshots also go to docs/screenshots/.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  BACKEND,
  check,
  fail,
  finish,
  FRONTEND,
  launchBrowser,
  requireFreePorts,
  root,
  startPortal,
  stopPortal,
  waitFor,
  waitForPortal,
} from './harness.mjs';
import { clusterViewChecks, shot } from './clusterViews.mjs';
import { keycloakChecks, keycloakSignInConfig } from './keycloakSignIn.mjs';
import { startTemplateServers, templateChecks } from './templates.mjs';

const startedAt = Date.now();
const expectedFile = resolve(root, '.peers/local-cluster/expected.json');
const readExpected = () => JSON.parse(readFileSync(expectedFile, 'utf8'));

let browser;
let portal;
let templateServers;

/** After a failed check: the dev backend may be restarting; wait for it. */
const waitForBackend = () =>
  waitFor(
    `${BACKEND}/.backstage/health/v1/readiness`,
    'backend',
    portal,
    300_000,
  ).then(() => new Promise(r => setTimeout(r, 2000)));

async function guestRun() {
  console.log('e2e: guest (local default, platform admin)');
  templateServers = await startTemplateServers();
  portal = startPortal({ args: templateServers.args, log: 'portal.log' });
  await waitForPortal(portal);
  const expected = readExpected();
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const sidebarEntry = () =>
    page.getByRole('link', { name: 'Coder Platform', exact: true }).first();
  // A full page load restores the guest session when it can; else sign in again.
  const open = async url => {
    await page.goto(url);
    const enter = page.getByRole('button', { name: 'Enter' });
    await sidebarEntry().or(enter).first().waitFor();
    if (await enter.isVisible()) {
      await enter.click();
      await sidebarEntry().waitFor();
    }
  };

  await check(
    'guest sign-in reaches the catalog',
    async () => {
      await page.goto(FRONTEND);
      await page.getByRole('button', { name: 'Enter' }).click();
      await sidebarEntry().waitFor();
      await page
        .getByRole('link', { name: 'Catalog', exact: true })
        .first()
        .waitFor();
    },
    { retry: waitForBackend, page },
  );

  const systemLink = () =>
    page.getByRole('link', {
      name: 'Coder Platform for Backstage',
      exact: true,
    });
  await check(
    "the catalog lists this suite's System and its page shows the description",
    async () => {
      await open(`${FRONTEND}/?filters%5Bkind%5D=system&filters%5Buser%5D=all`);
      await systemLink().waitFor();
      await shot(page, 'catalog-systems');
      await systemLink().click();
      await page.waitForURL(/system\/coder-platform/);
      await page
        .getByText('Self-service Coder development clusters')
        .first()
        .waitFor();
    },
    { retry: waitForBackend, page },
  );

  await clusterViewChecks({
    check,
    page,
    open,
    expected,
    retry: waitForBackend,
  });
  await templateChecks({
    check,
    page,
    open,
    github: templateServers.github,
    retry: waitForBackend,
  });
  await context.close();
  await stopPortal(portal);
  await templateServers.stop();
}

async function keycloakRun() {
  console.log(
    'e2e: Keycloak sign-in (production auth settings, local realm, no admin)',
  );
  const expected = readExpected();
  const { file, env } = keycloakSignInConfig(expected);
  portal = startPortal({
    args: ['--config', file],
    env,
    log: 'portal-keycloak.log',
  });
  await waitForPortal(portal);
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await keycloakChecks({ check, page, expected, retry: waitForBackend });
  await context.close();
  await stopPortal(portal);
}

try {
  await requireFreePorts();
  browser = await launchBrowser();
  await guestRun();
  if (existsSync(expectedFile)) {
    await keycloakRun();
  } else {
    fail('Keycloak sign-in', new Error(`no ${expectedFile}: the seed failed`));
  }
} catch (error) {
  fail('portal start', error);
} finally {
  await browser?.close().catch(() => {});
  await stopPortal(portal);
  await templateServers?.stop();
}
process.exit(finish(startedAt));
