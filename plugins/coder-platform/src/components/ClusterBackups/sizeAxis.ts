/** Binary units of the size axis, smallest first. */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['B', 1],
  ['KiB', 1024],
  ['MiB', 1024 ** 2],
  ['GiB', 1024 ** 3],
  ['TiB', 1024 ** 4],
];

/** The backup timeline's y axis: one unit for every tick, chosen by the largest size. */
export interface SizeAxis {
  /** `B`, `KiB`, `MiB`, `GiB` or `TiB`. */
  unit: string;
  /** Bytes per unit: a size in bytes divided by this is its value on the axis. */
  divisor: number;
  /** From 0 to one tick above the largest size, in `unit`. */
  domain: [number, number];
  /** Evenly spaced round values in `unit`, starting at 0. */
  ticks: number[];
}

/** The smallest of 1, 2, 2.5, 5 (times a power of ten) at least `raw`. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5]) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10 * magnitude;
}

const tidy = (n: number) => Number(n.toPrecision(12));

/**
 * The size axis for sizes in bytes: the largest unit the largest size fills
 * at least once (12.5 MiB is shown in MiB, 2 GiB in GiB), and round ticks
 * from 0 to a step above the largest, so no point sits on the top edge.
 */
export function sizeAxis(sizes: readonly number[], maxSteps = 4): SizeAxis {
  const max = Math.max(0, ...sizes.filter(s => Number.isFinite(s)));
  let [unit, divisor] = UNITS[0];
  for (const [u, d] of UNITS) {
    if (max >= d) [unit, divisor] = [u, d];
  }
  const top = max / divisor;
  if (top === 0) return { unit, divisor, domain: [0, 1], ticks: [0, 1] };
  const step = niceStep(top / maxSteps);
  const steps = Math.floor(tidy(top / step)) + 1;
  const ticks = Array.from({ length: steps + 1 }, (_, i) => tidy(i * step));
  return { unit, divisor, domain: [0, ticks[ticks.length - 1]], ticks };
}

/** A value of the size axis with its unit: `12.5 MiB`, `0 GiB`. */
export function sizeTick(value: number, unit: string): string {
  return `${Number(value.toFixed(2))} ${unit}`;
}
