import type {
  PostgresBackup,
  PostgresDeltaChain,
} from '@coder-platform/plugin-coder-platform-common';

/**
 * Groups backups into chains: each full backup with the deltas that need it,
 * oldest first. A delta whose parent is gone cannot be restored; it is
 * reported under `broken` of the chain named by its `deltaFullName`.
 */
export function deltaChains(backups: PostgresBackup[]): PostgresDeltaChain[] {
  const byName = new Map(backups.map(b => [b.name, b]));
  const chains = new Map<string, PostgresDeltaChain>();
  const order = [...backups].sort(compareBackups);
  for (const backup of order) {
    if (backup.kind === 'full') {
      chains.set(backup.name, { full: backup.name, deltas: [] });
    }
  }
  for (const backup of order) {
    if (backup.kind !== 'delta') continue;
    const root = backup.deltaFullName ?? findRoot(backup, byName);
    let chain = root ? chains.get(root) : undefined;
    if (!chain) {
      // The full backup is gone: keep the delta visible as a broken chain.
      const full = root ?? backup.deltaFrom ?? 'unknown';
      chain = { full, deltas: [], broken: [] };
      chains.set(full, chain);
    }
    chain.deltas.push(backup.name);
    const parent = backup.deltaFrom;
    if (!parent || !byName.has(parent)) {
      chain.broken = [
        ...(chain.broken ?? []),
        { backup: backup.name, missingParent: parent ?? 'unknown' },
      ];
    } else if (chain.broken?.some(b => b.backup === parent)) {
      // A delta on top of a broken delta is broken too.
      chain.broken.push({
        backup: backup.name,
        missingParent: chain.broken[0].missingParent,
      });
    }
  }
  for (const chain of chains.values()) {
    if (chain.broken && chain.broken.length === 0) delete chain.broken;
  }
  return [...chains.values()];
}

function findRoot(
  backup: PostgresBackup,
  byName: Map<string, PostgresBackup>,
): string | undefined {
  let current: PostgresBackup | undefined = backup;
  const seen = new Set<string>();
  while (current && current.kind === 'delta' && current.deltaFrom) {
    if (seen.has(current.name)) return undefined;
    seen.add(current.name);
    const parent = byName.get(current.deltaFrom);
    if (!parent) return undefined;
    current = parent;
  }
  return current?.kind === 'full' ? current.name : undefined;
}

/** Oldest first: by start time when known, then by start segment name. */
export function compareBackups(a: PostgresBackup, b: PostgresBackup): number {
  const ta = a.startTime ?? a.sentinelTime;
  const tb = b.startTime ?? b.sentinelTime;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}
