/**
 * Helm releases of the demo cluster, installed with the real helm into the
 * local API server. A release already at its version is left alone, so a
 * warm start adds no revision.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { helmUpgradeInstall, writeLocalChart } from '@coder-platform/testing';
import { demoReleases } from './demoCluster';

const run = promisify(execFile);

async function installedVersion(options: {
  helmBin: string;
  kubeconfig: string;
  release: string;
  namespace: string;
}): Promise<string | undefined> {
  const { stdout } = await run(
    options.helmBin,
    [
      'list',
      '--namespace',
      options.namespace,
      '--filter',
      `^${options.release}$`,
      '--output',
      'json',
      '--kubeconfig',
      options.kubeconfig,
    ],
    { timeout: 60_000 },
  );
  const list = JSON.parse(stdout || '[]') as {
    chart: string;
    status: string;
  }[];
  const deployed = list.find(r => r.status === 'deployed');
  return deployed?.chart;
}

/** Installs what is missing or at another version; returns how many it installed. */
export async function ensureDemoReleases(options: {
  helmBin: string;
  kubeconfig: string;
}): Promise<{ installed: number; total: number }> {
  const releases = demoReleases();
  let installed = 0;
  for (const r of releases) {
    const current = await installedVersion({ ...options, ...r });
    if (current === `${r.chart}-${r.version}`) continue;
    await helmUpgradeInstall({
      ...options,
      release: r.release,
      namespace: r.namespace,
      chartDir: await writeLocalChart({
        name: r.chart,
        version: r.version,
        appVersion: r.appVersion,
      }),
    });
    installed += 1;
  }
  return { installed, total: releases.length };
}
