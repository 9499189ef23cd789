import type { PostgresBackup } from '@coder-platform/plugin-coder-platform-common';
import { deltaChains } from './deltaChains';

function full(name: string, day: number): PostgresBackup {
  return {
    name,
    kind: 'full',
    timeline: 1,
    startSegment: name.slice(5, 29),
    sentinelTime: `2026-11-${String(day).padStart(2, '0')}T01:10:00Z`,
    isPermanent: false,
  };
}

function delta(
  name: string,
  day: number,
  from: string,
  fullName: string,
  count: number,
) {
  return {
    ...full(name, day),
    kind: 'delta' as const,
    deltaFrom: from,
    deltaFullName: fullName,
    deltaCount: count,
  };
}

const F1 = 'base_000000010000000000000003';
const D1 = 'base_000000010000000000000009_D_000000010000000000000003';
const D2 = 'base_00000001000000000000000F_D_000000010000000000000009';
const F2 = 'base_000000020000000000000020';

describe('deltaChains', () => {
  it('groups deltas under their full backup, oldest first', () => {
    const chains = deltaChains([
      delta(D2, 3, D1, F1, 2),
      full(F2, 4),
      full(F1, 1),
      delta(D1, 2, F1, F1, 1),
    ]);
    expect(chains).toEqual([
      { full: F1, deltas: [D1, D2] },
      { full: F2, deltas: [] },
    ]);
  });

  it('marks deltas whose parent is gone, and deltas built on them', () => {
    const chains = deltaChains([full(F1, 1), delta(D2, 3, D1, F1, 2)]);
    expect(chains).toEqual([
      { full: F1, deltas: [D2], broken: [{ backup: D2, missingParent: D1 }] },
    ]);
  });

  it('keeps a delta visible when its full backup was deleted', () => {
    const chains = deltaChains([
      delta(D1, 2, F1, F1, 1),
      delta(D2, 3, D1, F1, 2),
    ]);
    expect(chains).toEqual([
      {
        full: F1,
        deltas: [D1, D2],
        broken: [
          { backup: D1, missingParent: F1 },
          { backup: D2, missingParent: F1 },
        ],
      },
    ]);
  });

  it('finds the root by walking parents when DeltaFullName is absent', () => {
    const d1 = { ...delta(D1, 2, F1, F1, 1), deltaFullName: undefined };
    expect(deltaChains([full(F1, 1), d1])).toEqual([
      { full: F1, deltas: [D1] },
    ]);
  });
});
