/** "3 d 4 h", "7 h 54 min", "12 min", "40 s": the two largest units of a duration in seconds. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [label, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0 || (parts.length === 0 && size === 1)) {
      parts.push(`${count} ${label}`);
      rest -= count * size;
    }
    if (parts.length === 2) break;
    if (parts.length === 1 && count === 0) break;
  }
  return parts.join(' ');
}

/** A build time in ms as "48 s" or "1 min 35 s"; "n/a" while Coder has no figure. */
export function formatBuildTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return 'n/a';
  return formatAge(ms / 1000);
}

/** An ISO time in the browser's locale, or the raw value when unparsable. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Bytes as "1.4 GiB". */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
