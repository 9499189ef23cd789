// Checks of the Coder Platform views against the seeded local demo cluster
// (values from .peers/local-cluster/expected.json, written by its seed).
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { artifacts, FRONTEND, root } from './harness.mjs';

const docs = resolve(root, 'docs/screenshots');

/** Saves a full-page screenshot to artifacts/e2e/ (and docs/screenshots/ when asked). */
export async function shot(page, name, element) {
  const file = resolve(artifacts, `${name}.png`);
  if (element) await element.screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  if (process.env.E2E_SCREENSHOTS_TO_DOCS === '1') {
    mkdirSync(docs, { recursive: true });
    copyFileSync(file, resolve(docs, `${name}.png`));
  }
}

export function clusterUrl(expected, tab = '') {
  return `${FRONTEND}/coder-platform/clusters/${expected.cluster}${
    tab ? `/${tab}` : ''
  }`;
}

const text = (page, value) =>
  page.getByText(value, { exact: false }).first().waitFor();

/** The tab names of the cluster page, lower case (the theme upper-cases them). */
export async function tabNames(page) {
  const tabs = page.getByRole('tab');
  await tabs.first().waitFor();
  return (await tabs.allInnerTexts()).map(t => t.trim().toLowerCase());
}

/** Every tab of the cluster page shows the seeded data (a platform admin). */
export async function clusterViewChecks({
  check,
  page,
  open,
  expected,
  retry,
}) {
  const owner = expected.workspaces[0];

  await check(
    'the Coder Platform page lists the local demo cluster with its Coder version',
    async () => {
      await open(`${FRONTEND}/coder-platform`);
      await page
        .getByRole('link', { name: expected.title, exact: true })
        .first()
        .waitFor();
      await text(page, 'v2.25.1');
      await shot(page, 'coder-platform-page');
    },
    { retry, page },
  );

  await check(
    'Overview: Coder version, workspaces by status, provisioner daemon',
    async () => {
      await open(clusterUrl(expected));
      await text(page, 'v2.25.1');
      await text(page, 'coder-provisioner-0');
      await shot(page, 'cluster-overview');
    },
    { retry, page },
  );

  await check(
    `Workspaces: ${owner.name} of ${owner.owner} on ${owner.template}`,
    async () => {
      await open(clusterUrl(expected, 'workspaces'));
      await text(page, owner.name);
      await text(page, owner.owner);
      await shot(page, 'cluster-workspaces');
    },
    { retry, page },
  );

  await check(
    'Templates: the three pushed templates',
    async () => {
      await open(clusterUrl(expected, 'templates'));
      for (const name of [
        'kubernetes-devbox',
        'python-datascience',
        'dind-builder',
      ]) {
        await text(page, name);
      }
      await shot(page, 'cluster-templates');
    },
    { retry, page },
  );

  await check(
    `Users: the realm summary counts exactly ${expected.keycloak.total} users, and the table lists them`,
    async () => {
      await open(clusterUrl(expected, 'users'));
      await page
        .getByText(String(expected.keycloak.total), { exact: true })
        .first()
        .waitFor();
      await text(page, 'user00000@example.com');
      await shot(page, 'cluster-users');
    },
    { retry, page },
  );

  await check(
    `Backups: the newest base backup ${expected.newestBackup}`,
    async () => {
      await open(clusterUrl(expected, 'backups'));
      await text(page, expected.newestBackup);
      await text(page, 'coder-user00003-devbox');
      await shot(page, 'cluster-backups');
    },
    { retry, page },
  );

  await check(
    `Releases: coder ${expected.coderRelease.version} in sync, keycloak 24.7.1 drifting`,
    async () => {
      await open(clusterUrl(expected, 'releases'));
      await text(page, expected.coderRelease.namespace);
      await text(page, '24.7.1');
      await text(page, '25.1.0');
      await shot(page, 'cluster-releases');
    },
    { retry, page },
  );

  await check(
    'the workspace-image Component shows its Coder template and the workspaces using it',
    async () => {
      await open(
        `${FRONTEND}/catalog/default/component/kubernetes-devbox-image`,
      );
      await text(page, 'Coder template and workspaces');
      await text(page, owner.name);
      const card = page
        .getByText('Coder template and workspaces')
        .first()
        .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');
      await shot(page, 'entity-workspace-image', card);
    },
    { retry, page },
  );

  await check(
    'the cluster Resource in the catalog shows the cluster on its entity page',
    async () => {
      await open(`${FRONTEND}/catalog/default/resource/${expected.cluster}`);
      await text(page, expected.title);
      await text(page, 'v2.25.1');
      await shot(page, 'entity-cluster-resource');
    },
    { retry, page },
  );
}
