import type { ClusterSummary } from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';

const labels: Record<keyof ClusterSummary['upstreams'], string> = {
  coder: 'Coder',
  keycloak: 'Keycloak',
  postgresBackups: 'Postgres backups',
  workspaceBackups: 'Workspace backups',
  kubernetes: 'Kubernetes',
};

/** One chip per configured upstream; unconfigured ones are not shown. */
export function UpstreamChips(props: {
  upstreams: ClusterSummary['upstreams'];
}) {
  const configured = (Object.keys(labels) as (keyof typeof labels)[]).filter(
    key => props.upstreams[key],
  );
  if (configured.length === 0) {
    return <span>none</span>;
  }
  return (
    <>
      {configured.map(key => (
        <Chip key={key} size="small" variant="outlined" label={labels[key]} />
      ))}
    </>
  );
}
