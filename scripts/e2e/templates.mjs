// Checks of the Coder Platform software templates in the portal: the
// template list at /create, the forms of coder-development-cluster and
// workspace-image walked page by page to their review pages, and one
// workspace-image task run to the end against the local servers: published
// to a local GitHub stand-in (real git repositories, scripts/e2e/localGitHub.ts),
// its Coder template pushed to the local demo cluster's Coder, its Component
// registered in the catalog.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { artifacts, BACKEND, FRONTEND, root } from './harness.mjs';
import { shot } from './clusterViews.mjs';

/**
 * Starts the local GitHub stand-in for the template run; returns the
 * `start-portal.sh` arguments that add its config overlay, and `stop`.
 */
export async function startTemplateServers() {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-github-'));
  const overlay = join(dir, 'app-config.e2e-github.yaml');
  const ready = join(dir, 'ready.json');
  const out = openSync(resolve(artifacts, 'local-github.log'), 'w');
  const child = spawn(
    process.execPath,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      'scripts/e2e/localGitHub.ts',
      overlay,
      ready,
    ],
    { cwd: root, detached: true, stdio: ['ignore', out, out] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(done => child.once('exit', done));
      try {
        process.kill(-child.pid, 'SIGTERM');
        await exited;
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  for (let i = 0; i < 240 && !existsSync(ready); i++) {
    if (child.exitCode !== null) {
      throw new Error(
        `the local GitHub stand-in exited with code ${child.exitCode}; see artifacts/e2e/local-github.log`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
  if (!existsSync(ready)) {
    await stop();
    throw new Error(
      'the local GitHub stand-in did not start within 60 s; see artifacts/e2e/local-github.log',
    );
  }
  const github = JSON.parse(readFileSync(ready, 'utf8'));
  return { args: ['--config', overlay], github, stop };
}

/** The templates of templates/all.yaml: { name, title } each. */
export function suiteTemplates() {
  const all = resolve(root, 'templates/all.yaml');
  return parse(readFileSync(all, 'utf8')).spec.targets.map(target => {
    const entity = parse(readFileSync(resolve(dirname(all), target), 'utf8'));
    return { name: entity.metadata.name, title: entity.metadata.title };
  });
}

// The path of Material UI's CheckCircleOutline icon: the task page draws it
// for a completed step (and other icons for failed, skipped, running ones).
const CHECK_ICON_PATH = /d: "([^"]+)"/.exec(
  readFileSync(
    resolve(root, 'node_modules/@material-ui/icons/CheckCircleOutline.js'),
    'utf8',
  ),
)[1];

const field = (page, label) => page.getByLabel(label, { exact: false }).first();
const button = (page, name) =>
  page.getByRole('button', { name, exact: true }).first();

async function fill(page, label, value) {
  const input = field(page, label);
  await input.fill(value);
}

/**
 * Picks `option` in the Autocomplete labelled `label` (EntityPicker,
 * OwnerPicker). A picker with a single entity to offer has chosen it
 * already and is disabled: then its value must match.
 */
async function pick(page, label, option) {
  const input = field(page, label);
  await input.waitFor();
  if (await input.isDisabled()) {
    const value = await input.inputValue();
    if (!option.name.test(value)) {
      throw new Error(
        `${label}: preselected ${value}, expected ${option.name}`,
      );
    }
    return;
  }
  await input.click();
  await input.fill(option.typed);
  await page.getByRole('option', { name: option.name }).first().click();
}

/**
 * Fills the RepoUrlPicker of the page (host github.com, the only allowed
 * one): its Owner and Repository are the last fields with those labels
 * (the cluster form's Catalog page has an OwnerPicker labelled Owner too).
 */
async function repoLocation(page, owner, repo) {
  for (const [label, value] of [
    [/^Owner/, owner],
    [/^Repository/, repo],
  ]) {
    const input = page.getByLabel(label).last();
    await input.fill(value);
    await input.press('Tab');
  }
}

/** Clicks Next and waits for the next form page, known by its field `label`. */
async function next(page, label) {
  await button(page, 'Next').click();
  await field(page, label).waitFor();
}

/** A Backstage identity token of the guest (local sign-in) for API reads. */
async function guestToken(backend) {
  const res = await fetch(`${backend}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest refresh: HTTP ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** The /create checks, in the guest run (a platform admin locally). */
export async function templateChecks({ check, page, open, github, retry }) {
  const templates = suiteTemplates();
  /**
   * Opens `url` again until `target()` shows (a cache or the catalog
   * catching up), for at most 3 minutes.
   */
  const openUntil = async (url, target, what) => {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      await open(url);
      const shown = await target()
        .waitFor({ timeout: 15_000 })
        .then(() => true)
        .catch(() => false);
      if (shown) return;
    }
    throw new Error(`${url} did not show ${what} within 3 minutes`);
  };
  const templateUrl = name => `${FRONTEND}/create/templates/default/${name}`;

  await check(
    `/create lists the ${templates.length} Coder Platform templates of templates/all.yaml`,
    async () => {
      await open(`${FRONTEND}/create`);
      for (const { title } of templates) {
        await page.getByText(title, { exact: true }).first().waitFor();
      }
      await shot(page, 'template-list');
    },
    { retry, page },
  );

  await check(
    'coder-development-cluster: every form page to the review, a bad cluster name refused naming the field, the password masked',
    async () => {
      await open(`${FRONTEND}/create`);
      const title = templates.find(
        t => t.name === 'coder-development-cluster',
      ).title;
      await page
        .locator('.MuiCard-root', { hasText: title })
        .getByRole('button', { name: 'Choose' })
        .click();
      await page.waitForURL(/coder-development-cluster/);
      await fill(page, 'GCP project ID', 'acme-coder-dev');
      await fill(page, 'Cluster name', 'Dev_Cluster');
      await button(page, 'Next').click();
      await page
        .getByText(`'Cluster name' must match pattern`)
        .first()
        .waitFor();
      await shot(page, 'template-cluster-form');
      await fill(page, 'Cluster name', 'dev');
      await next(page, 'Domain name');
      await fill(page, 'Domain name', 'coder.example.com');
      await fill(page, 'Cloud DNS managed zone', 'coder-example-com');
      await fill(page, 'Backup bucket', 'acme-coder-backups');
      await next(page, 'Base pool machine type');
      await next(page, 'Keycloak realm');
      await fill(page, 'Admin e-mail', 'platform-admin@example.com');
      await next(page, 'Coder admin password');
      await fill(page, 'Coder admin password', CLUSTER_ADMIN_PASSWORD);
      await next(page, 'cert-manager');
      await next(page, 'Folder in the catalog repository');
      // Optional, but a RepoUrlPicker always holds a host: fill it whole.
      await repoLocation(page, 'acme', 'platform-catalog');
      await next(page, 'Volume size');
      await button(page, 'Review').click();
      await button(page, 'Create').waitFor();
      const review = page.getByRole('table').last();
      for (const value of ['acme-coder-dev', 'coder.example.com', 'dev']) {
        await review.getByText(value, { exact: true }).first().waitFor();
      }
      await review
        .getByRole('row', { name: /Coder admin password/ })
        .getByText('******', { exact: true })
        .waitFor();
      if ((await review.innerText()).includes(CLUSTER_ADMIN_PASSWORD)) {
        throw new Error('the review page shows the Coder admin password');
      }
      await shot(page, 'template-cluster-review');
    },
    { retry, page },
  );

  // Each walk fills in a new image name: a check retried after a dev
  // backend restart would otherwise publish over the first attempt's repository.
  let walks = 0;
  let imageName;
  const walkWorkspaceImage = async ({ shots }) => {
    walks += 1;
    imageName = walks === 1 ? 'java-training' : `java-training-${walks}`;
    await open(templateUrl('workspace-image'));
    // A hostile name (path traversal, shell) is refused naming the field.
    await fill(page, 'Name', '../x; rm -rf /');
    await fill(page, 'Description', 'Java 21 and Maven for the training');
    await pick(page, 'Owner', { typed: 'platform', name: /platform-team/ });
    await button(page, 'Next').click();
    await page.getByText(`'Name' must match pattern`).first().waitFor();
    if (shots) await shot(page, 'template-workspace-image-form');
    await fill(page, 'Name', imageName);
    await next(page, 'CPU limit');
    // Home backup stays on (the default): the demo cluster's Resource names
    // its seeded restic repository (backup bucket and restic prefix).
    await pick(page, 'Cluster', {
      typed: 'local',
      name: /local-demo|Local demo/,
    });
    if (shots) await shot(page, 'template-workspace-image-cluster');
    await next(page, 'Repository');
    await repoLocation(page, github.org, imageName);
    await button(page, 'Review').click();
    await button(page, 'Create').waitFor();
    const review = page.getByRole('table').last();
    for (const value of [imageName, 'ubuntu:24.04']) {
      await review.getByText(value, { exact: true }).first().waitFor();
    }
    await review
      .getByText(/local-demo/)
      .first()
      .waitFor();
    if (shots) await shot(page, 'template-workspace-image-review');
  };

  await check(
    'workspace-image: the form to the review, a hostile name refused naming the field, the cluster picked from the catalog',
    () => walkWorkspaceImage({ shots: true }),
    { retry, page },
  );

  await check(
    'workspace-image runs to the end: every step done, the repository pushed, the Coder template on local-demo, the Component in the catalog',
    async () => {
      if (!(await button(page, 'Create').isVisible())) {
        await walkWorkspaceImage({ shots: false });
      }
      await button(page, 'Create').click();
      await page.waitForURL(/\/create\/tasks\//);
      const taskId = page.url().split('/create/tasks/')[1].split(/[/?#]/)[0];
      // Finished: the output links show, or (failed) the error.
      const catalogLink = page
        .getByRole('link', { name: 'Open in catalog' })
        .or(page.getByRole('button', { name: 'Open in catalog' }))
        .first();
      await catalogLink
        .or(page.getByRole('alert'))
        .first()
        .waitFor({ timeout: 180_000 });
      const token = await guestToken(BACKEND);
      const api = async path => {
        const res = await fetch(`${BACKEND}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
        return res.json();
      };
      let task = await api(`/api/scaffolder/v2/tasks/${taskId}`);
      // The page shows a failed step a moment before the task is marked failed.
      for (
        let i = 0;
        i < 60 && ['open', 'processing'].includes(task.status);
        i++
      ) {
        await new Promise(r => setTimeout(r, 500));
        task = await api(`/api/scaffolder/v2/tasks/${taskId}`);
      }
      if (task.status !== 'completed') {
        const alert = await page
          .getByRole('alert')
          .first()
          .innerText()
          .catch(() => '');
        throw new Error(`task ${taskId} is ${task.status}: ${alert}`);
      }
      await catalogLink.waitFor();
      const steps = task.spec.steps.map(s => s.name);
      const labels = page.getByTestId('step-label');
      const shown = [];
      for (let i = 0; i < (await labels.count()); i++) {
        const label = labels.nth(i);
        const done =
          (await label.locator(`path[d="${CHECK_ICON_PATH}"]`).count()) > 0;
        shown.push(
          `${(await label.innerText()).split('\n')[0]}${
            done ? '' : ' (not done)'
          }`,
        );
      }
      if (JSON.stringify(shown) !== JSON.stringify(steps)) {
        throw new Error(
          `the task page shows the steps ${JSON.stringify(
            shown,
          )}, expected every one of ${JSON.stringify(steps)} done`,
        );
      }
      await page
        .getByText(`Coder template ${imageName}`, { exact: false })
        .first()
        .waitFor();
      await shot(page, 'template-task-finished');

      const dockerfile = await fetch(
        `http://${github.host}/api/v3/repos/${github.org}/${imageName}/contents/Dockerfile?ref=main`,
        { headers: { authorization: `token ${github.token}` } },
      );
      const text = await dockerfile.text();
      if (!dockerfile.ok || !text.includes('FROM ubuntu:24.04')) {
        throw new Error(
          `the pushed repository has no Dockerfile FROM ubuntu:24.04 (HTTP ${dockerfile.status})`,
        );
      }
      // The Component, once the catalog has processed the registered file;
      // its card reads the Coder template from the cluster.
      await openUntil(
        `${FRONTEND}/catalog/default/component/${imageName}`,
        () => page.getByText('Coder template and workspaces').first(),
        "the registered Component's Coder template card",
      );
      // The cluster's Templates tab serves Coder's list from the cache
      // (coderPlatform.cache.maxAgeSeconds.coder, 60 s by default).
      await openUntil(
        `${FRONTEND}/coder-platform/clusters/local-demo/templates`,
        () => page.getByText(imageName, { exact: true }).first(),
        `the pushed Coder template ${imageName}`,
      );
    },
    { retry, page },
  );
}

const CLUSTER_ADMIN_PASSWORD = 'e2e-Admin-pass-42';
