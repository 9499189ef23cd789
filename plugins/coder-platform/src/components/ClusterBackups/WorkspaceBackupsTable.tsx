import { Table, TableColumn } from '@backstage/core-components';
import type {
  WorkspaceBackup,
  WorkspaceBackupsResponse,
} from '@coder-platform/plugin-coder-platform-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { formatAge, formatBytes } from '../shared';
import { formatUtc } from './format';

const columns: TableColumn<WorkspaceBackup>[] = [
  { title: 'Repository', field: 'repository', highlight: true },
  { title: 'Snapshots', field: 'snapshotCount', type: 'numeric' },
  {
    title: 'Latest snapshot',
    render: backup =>
      backup.latestSnapshot ? (
        <>
          {backup.ageSeconds !== undefined
            ? `${formatAge(backup.ageSeconds)} ago`
            : formatUtc(backup.latestSnapshot.time)}
          <Typography variant="body2" color="textSecondary">
            {backup.latestSnapshot.id}, {formatUtc(backup.latestSnapshot.time)}
          </Typography>
        </>
      ) : (
        '–'
      ),
  },
  {
    title: 'Size',
    render: backup => formatBytes(backup.latestSnapshot?.restoreSize) || '–',
  },
  {
    title: 'Files',
    render: backup =>
      backup.latestSnapshot?.fileCount !== undefined
        ? backup.latestSnapshot.fileCount.toLocaleString('en-US')
        : '–',
  },
  {
    title: 'Status',
    render: backup => {
      if (backup.error) {
        return (
          <Typography variant="body2" color="error">
            {backup.error}
          </Typography>
        );
      }
      return backup.snapshotCount === 0 ? 'No snapshot yet' : 'OK';
    },
  },
];

/** restic home-directory backups, one repository per workspace. */
export function WorkspaceBackupsTable(props: {
  backups: WorkspaceBackupsResponse;
}) {
  const { backups } = props;
  const failing = backups.items.filter(b => b.error).length;
  return (
    <Table<WorkspaceBackup>
      title="Workspace home backups"
      subtitle={`${backups.items.length} restic repositories under ${
        backups.location
      }${failing ? `, ${failing} unreadable` : ''}`}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={backups.items}
      emptyContent={
        <Box padding={2}>
          No restic repository found under {backups.location}: no workspace has
          backed up its home directory yet.
        </Box>
      }
    />
  );
}
