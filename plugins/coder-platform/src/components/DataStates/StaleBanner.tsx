import type { Freshness } from '@coder-platform/plugin-coder-platform-common';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/** Renders an ISO time as the browser's local date and time, or the raw value when unparsable. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/**
 * A banner over data served from the backend's cache because its upstream
 * failed: when it was read, and the upstream's error. Renders nothing for
 * fresh data.
 */
export function StaleBanner(props: { freshness: Freshness }) {
  const { stale, fetchedAt, error } = props.freshness;
  if (!stale) return null;
  return (
    <Alert severity="warning" role="status">
      <AlertTitle>Showing data from {formatTime(fetchedAt)}</AlertTitle>
      {error
        ? `${error.upstream} failed: ${error.message}`
        : 'The upstream failed; this is the last data read from it.'}
    </Alert>
  );
}
