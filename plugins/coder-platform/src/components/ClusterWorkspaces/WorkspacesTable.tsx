import { Link } from '@backstage/core-components';
import type { CoderWorkspaceSummary } from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { formatDateTime, HealthBadge, HealthLevel } from '../shared';

function statusLevel(workspace: CoderWorkspaceSummary): HealthLevel {
  if (workspace.status === 'failed' || workspace.healthy === false)
    return 'error';
  if (workspace.status === 'running') return 'ok';
  if (
    ['pending', 'starting', 'stopping', 'deleting'].includes(workspace.status)
  )
    return 'warning';
  return 'unknown';
}

/** Coder's own page for a workspace: `<dashboard>/@owner/name`. */
export function workspaceUrl(
  coderUrl: string,
  workspace: Pick<CoderWorkspaceSummary, 'owner' | 'name'>,
): string {
  return `${coderUrl.replace(/\/+$/, '')}/@${encodeURIComponent(
    workspace.owner,
  )}/${encodeURIComponent(workspace.name)}`;
}

/** One page of workspaces: owner, template, status, last used, outdated, link to Coder. */
export function WorkspacesTable(props: {
  items: CoderWorkspaceSummary[];
  /** Coder's dashboard URL, when known: each name links to the workspace there. */
  coderUrl?: string;
  /** Leave out the template column (e.g. on a template's own card). */
  hideTemplate?: boolean;
}) {
  const { items, coderUrl, hideTemplate } = props;
  return (
    <Table size="small" aria-label="Workspaces">
      <TableHead>
        <TableRow>
          <TableCell>Workspace</TableCell>
          <TableCell>Owner</TableCell>
          {!hideTemplate && <TableCell>Template</TableCell>}
          <TableCell>Status</TableCell>
          <TableCell>Last used</TableCell>
          <TableCell>Version</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(w => (
          <TableRow key={w.id}>
            <TableCell>
              {coderUrl ? (
                <Link to={workspaceUrl(coderUrl, w)}>{w.name}</Link>
              ) : (
                w.name
              )}
            </TableCell>
            <TableCell>{w.owner}</TableCell>
            {!hideTemplate && (
              <TableCell>{w.templateDisplayName || w.template}</TableCell>
            )}
            <TableCell>
              <HealthBadge
                level={statusLevel(w)}
                label={
                  w.healthy === false ? `${w.status}, unhealthy` : w.status
                }
              />
            </TableCell>
            <TableCell>{formatDateTime(w.lastUsedAt)}</TableCell>
            <TableCell>
              {w.outdated ? (
                <Chip size="small" color="secondary" label="outdated" />
              ) : (
                'current'
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
