import type { PostgresBackupStatus } from '@coder-platform/plugin-coder-platform-common';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/** Why the health is what it is, worst first, as the backend says it. */
export function HealthReasons(props: { status: PostgresBackupStatus }) {
  const { health, reasons } = props.status;
  if (health === 'ok' || reasons.length === 0) return null;
  return (
    <Alert
      severity={health === 'critical' ? 'error' : 'warning'}
      aria-label={`Health of ${props.status.name}`}
    >
      <AlertTitle>{health === 'critical' ? 'Critical' : 'Warning'}</AlertTitle>
      <ul style={{ margin: 0, paddingLeft: 20 }}>
        {reasons.map(reason => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    </Alert>
  );
}

/** Delta chains with a missing link: which backup cannot be restored, and what it needs. */
export function BrokenChains(props: { status: PostgresBackupStatus }) {
  const broken = props.status.chains.filter(c => c.broken?.length);
  if (broken.length === 0) return null;
  return (
    <Alert severity="error" aria-label="Broken delta chains">
      <AlertTitle>Broken delta chains</AlertTitle>
      {broken.map(chain => (
        <Box key={chain.full} marginBottom={1}>
          Chain of full backup <code>{chain.full}</code> ({chain.deltas.length}{' '}
          deltas):
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {chain.broken!.map(b => (
              <li key={b.backup}>
                <code>{b.backup}</code> cannot be restored: it needs{' '}
                <code>{b.missingParent}</code>, which is missing from storage
              </li>
            ))}
          </ul>
        </Box>
      ))}
      Restore to a point before the break, or take a full backup so later deltas
      have a complete chain.
    </Alert>
  );
}

/** Backups whose sentinel or metadata could not be read: left out of ages and chains. */
export function UnreadableBackups(props: { status: PostgresBackupStatus }) {
  const unreadable = props.status.unreadable ?? [];
  if (unreadable.length === 0) return null;
  return (
    <Alert severity="warning" aria-label="Unreadable backups">
      <AlertTitle>
        {unreadable.length === 1
          ? '1 backup could not be read'
          : `${unreadable.length} backups could not be read`}
      </AlertTitle>
      Left out of ages and chains:
      <ul style={{ margin: 0, paddingLeft: 20 }}>
        {unreadable.map(u => (
          <li key={u.name}>
            <code>{u.name}</code>: {u.reason}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
