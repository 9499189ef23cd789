/**
 * Backup times in UTC, like the cron schedules they are checked against
 * (Spilo runs `BACKUP_SCHEDULE` in UTC). Ages and sizes use `../shared`.
 */

/** An ISO time as `YYYY-MM-DD HH:MM UTC`, or the raw value when unparsable. */
export function formatUtc(iso?: string): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
