/*
 * Shared by the scale benchmarks: prints a Markdown table and appends it, with
 * the machine and the command that produced it, to docs/benchmarks.md.
 */
import {
  appendFileSync,
  existsSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';

export type Row = Record<string, string | number>;

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[index];
}

export function markdownTable(rows: Row[]): string {
  if (rows.length === 0) return '(no rows)';
  // Every column any row has (a size that stopped early has fewer), in order.
  const columns = [...new Set(rows.flatMap(row => Object.keys(row)))];
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [
    line(columns),
    line(columns.map(() => '---')),
    ...rows.map(row => line(columns.map(c => String(row[c] ?? '')))),
  ].join('\n');
}

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(
    totalmem() / 2 ** 30,
  )} GiB, Node ${process.version}, load average ${loadavg()
    .map(l => l.toFixed(1))
    .join(' ')} at start`;
}

/** Prints the table and appends it to docs/benchmarks.md. */
export function report(options: {
  title: string;
  command: string;
  rows: Row[];
  notes?: string[];
}): void {
  const file = resolve(__dirname, '../../docs/benchmarks.md');
  if (!existsSync(file)) {
    writeFileSync(
      file,
      '# Benchmarks\n\nFigures appended by the scripts under `bench/` (`bash bench/run-scale.sh`), newest last. Each section names the machine and the command; times on a shared 2-core machine are indicative, request counts are exact.\n',
    );
  }
  const table = markdownTable(options.rows);
  const section = [
    '',
    `## ${options.title} (${new Date().toISOString().slice(0, 16)}Z)`,
    '',
    `Machine: ${machine()}.`,
    `Command: \`${options.command}\``,
    '',
    table,
    ...(options.notes?.length ? ['', ...options.notes.map(n => `- ${n}`)] : []),
    '',
  ].join('\n');
  // eslint-disable-next-line no-console
  console.log(section);
  appendFileSync(file, section);
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** Samples a process's RSS every 200 ms until stopped; returns the peak. */
export function sampleRss(pid: number): { stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      /* exited */
    }
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
