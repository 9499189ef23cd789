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

/**
 * How the base backups table lays out: on how many lines each header and
 * each Kind / size cell is drawn (1 = whole), and whether its box scrolls.
 */
function baseBackupsLayout(table) {
  return table.evaluate(element => {
    const lines = cell => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = new Set(
        Array.from(range.getClientRects(), rect => Math.round(rect.top)),
      );
      return tops.size;
    };
    const whole = [
      ...element.querySelectorAll('thead th'),
      ...Array.from(element.querySelectorAll('tbody tr')).flatMap(row =>
        [1, 4, 5].map(i => row.children[i]),
      ),
    ]
      .filter(cell => cell && cell.textContent.trim())
      .map(cell => ({ text: cell.textContent.trim(), lines: lines(cell) }));
    const box = element.parentElement;
    return {
      whole,
      scrollWidth: box.scrollWidth,
      clientWidth: box.clientWidth,
    };
  });
}

/** On how many lines the browser draws an element's text (icons aside). */
function linesOf(locator) {
  return locator.evaluate(element => {
    const tops = new Set();
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
    }
    return tops.size;
  });
}

/** Fails unless the page is drawn on a dark background. */
async function darkBackground(page) {
  const color = await page.evaluate(
    () => getComputedStyle(document.body).backgroundColor,
  );
  const [r, g, b] = color.match(/\d+/g).map(Number);
  if (r + g + b > 3 * 96) {
    throw new Error(`the page background is ${color}, not the dark theme's`);
  }
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
      // The health label and the version are drawn whole, on one line.
      const clusters = page.getByRole('table', { name: 'Clusters' });
      for (const value of ['healthy', /^v2\.25\.1/]) {
        const lines = await linesOf(clusters.getByText(value).first());
        if (lines !== 1) {
          throw new Error(`"${value}" is drawn on ${lines} lines`);
        }
      }
      await shot(page, 'coder-platform-page');
    },
    { retry, page },
  );

  await check(
    'Overview: Coder version, the seeded workspaces by status, provisioner daemon',
    async () => {
      await open(clusterUrl(expected));
      await text(page, 'v2.25.1');
      await text(page, 'coder-provisioner-0');
      // The seeded workspaces by status, exactly ("12 running", "4 failed").
      const counts = page.locator('[aria-label="Workspaces by status"]');
      for (const status of ['running', 'failed', 'stopped']) {
        const n = expected.workspaces.filter(w => w.status === status).length;
        await counts
          .getByText(`${n} ${status}`, { exact: true })
          .first()
          .waitFor();
      }
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
      // Every seeded workspace, counted by the table's pagination.
      await page
        .getByText(new RegExp(`^1-\\d+ of ${expected.workspaces.length}$`))
        .first()
        .waitFor();
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
    'Backups: the base backups table keeps words whole; a narrow screen scrolls it sideways',
    async () => {
      await open(clusterUrl(expected, 'backups'));
      const table = page.getByRole('table', { name: /^Base backups of / });
      await table.first().waitFor();
      try {
        for (const width of [1400, 600]) {
          await page.setViewportSize({ width, height: 900 });
          const layout = await baseBackupsLayout(table.first());
          const split = layout.whole.filter(cell => cell.lines !== 1);
          if (split.length) {
            throw new Error(
              `at ${width} px these cells wrap: ${split
                .map(cell => `"${cell.text}" on ${cell.lines} lines`)
                .join(', ')}`,
            );
          }
          if (width === 600 && !(layout.scrollWidth > layout.clientWidth)) {
            throw new Error(
              `at 600 px the table (${layout.scrollWidth} px) does not scroll in its ${layout.clientWidth} px box`,
            );
          }
        }
      } finally {
        await page.setViewportSize({ width: 1400, height: 900 });
      }
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
    'dark theme: the Coder Platform page, Overview and Backups tabs',
    async () => {
      await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
      try {
        await open(`${FRONTEND}/coder-platform`);
        await page
          .getByRole('link', { name: expected.title, exact: true })
          .first()
          .waitFor();
        await darkBackground(page);
        await shot(page, 'dark-coder-platform-page');
        await open(clusterUrl(expected));
        await text(page, 'coder-provisioner-0');
        await shot(page, 'dark-cluster-overview');
        await open(clusterUrl(expected, 'backups'));
        await text(page, expected.newestBackup);
        await text(page, 'coder-user00003-devbox');
        await shot(page, 'dark-cluster-backups');
      } finally {
        await page.evaluate(() => window.localStorage.removeItem('theme'));
      }
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
