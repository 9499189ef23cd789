import type { CoderOverviewResponse } from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';

const ORDER = ['running', 'building', 'pending', 'failed', 'stopped'] as const;

/** Workspaces by status, as chips: "17 running", "3 failed", ... */
export function WorkspaceCounts(props: {
  stats: CoderOverviewResponse['stats'];
}) {
  const { stats } = props;
  if (!stats) {
    return (
      <Typography variant="body2" color="textSecondary">
        Workspace counts not available.
      </Typography>
    );
  }
  return (
    <div aria-label="Workspaces by status">
      {ORDER.map(status => (
        <Chip
          key={status}
          size="small"
          variant={stats.workspaces[status] > 0 ? 'default' : 'outlined'}
          color={
            status === 'failed' && stats.workspaces.failed > 0
              ? 'secondary'
              : 'default'
          }
          label={`${stats.workspaces[status]} ${status}`}
        />
      ))}
    </div>
  );
}
