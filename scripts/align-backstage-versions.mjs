#!/usr/bin/env node
// Keeps every @backstage/* package in yarn.lock on one Backstage release line.
//
// Why: the registry reachable here holds a newer release line only in part
// (e.g. no @backstage/backend-test-utils 1.12.0), and `backstage-cli
// versions:bump` needs the release manifest from the internet. Caret ranges of
// 1.55 packages would otherwise pull transitive @backstage packages of the next
// line, and mixed lines fail at start-up. This script pins each @backstage/*
// package found in yarn.lock, through root `resolutions`, to its newest stable
// version published before the cutoff (the day after the line's last patch).
//
// Usage: node scripts/align-backstage-versions.mjs [--cutoff 2026-11-01]
// then `yarn install` to rewrite the lock.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cutoffArg = process.argv.indexOf('--cutoff');
const cutoff = new Date(
  cutoffArg > 0 ? process.argv[cutoffArg + 1] : '2026-11-01T00:00:00Z',
);

const lock = readFileSync('yarn.lock', 'utf8');
const names = [
  ...new Set(
    [...lock.matchAll(/^"?(@backstage\/[a-z0-9-]+)@/gm)].map(m => m[1]),
  ),
].sort();

function compareSemver(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

async function newestBefore(name) {
  const { stdout } = await run('npm', ['view', '--json', name, 'time'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const times = JSON.parse(stdout);
  const stable = Object.entries(times)
    .filter(([v, t]) => /^\d+\.\d+\.\d+$/.test(v) && new Date(t) < cutoff)
    .map(([v]) => v)
    .sort(compareSemver);
  return stable.at(-1);
}

const resolutions = {};
const skipped = [];
const queue = [...names];
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const version = await newestBefore(name);
      if (version) {
        resolutions[name] = version;
      } else {
        // Only the newer line has it; it drops out once its dependents are pinned.
        skipped.push(name);
      }
    }
  }),
);

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const kept = Object.fromEntries(
  Object.entries(pkg.resolutions ?? {}).filter(
    ([k]) => !k.startsWith('@backstage/'),
  ),
);
pkg.resolutions = {
  ...kept,
  ...Object.fromEntries(Object.entries(resolutions).sort()),
};
writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
if (skipped.length)
  console.log(
    `not on the line (must vanish after yarn install): ${skipped.join(', ')}`,
  );
console.log(
  `pinned ${
    Object.keys(resolutions).length
  } @backstage/* packages (cutoff ${cutoff.toISOString()})`,
);
