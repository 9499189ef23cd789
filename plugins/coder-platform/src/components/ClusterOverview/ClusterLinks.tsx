import { Link } from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';

/** A link to one of the cluster's tools. */
export interface ClusterToolLink {
  title: string;
  url: string;
}

/** The tools a platform engineer opens from a cluster. */
export const CLUSTER_TOOLS = [
  'Coder',
  'Keycloak',
  'Grafana',
  'Prometheus',
  'Alertmanager',
] as const;

/**
 * Links to Coder, Keycloak, Grafana, Prometheus and Alertmanager: the ones
 * known (Coder's dashboard from the backend, others from the entity's
 * `metadata.links` titled after the tool), and which ones are not.
 */
export function ClusterLinks(props: {
  coderUrl?: string;
  entityLinks?: { title?: string; url: string }[];
}) {
  const known = new Map<string, string>();
  if (props.coderUrl) known.set('Coder', props.coderUrl);
  for (const link of props.entityLinks ?? []) {
    const tool = CLUSTER_TOOLS.find(t =>
      link.title?.toLowerCase().startsWith(t.toLowerCase()),
    );
    if (tool && !known.has(tool)) known.set(tool, link.url);
  }
  const missing = CLUSTER_TOOLS.filter(t => !known.has(t));
  return (
    <>
      <List dense aria-label="Cluster links">
        {CLUSTER_TOOLS.filter(t => known.has(t)).map(tool => (
          <ListItem key={tool} disableGutters>
            <Link to={known.get(tool)!}>{tool}</Link>
          </ListItem>
        ))}
      </List>
      {missing.length > 0 && (
        <Typography variant="caption" color="textSecondary">
          No URL known for {missing.join(', ')}: the backend reports only
          Coder's dashboard URL. Add the others as <code>metadata.links</code>{' '}
          titled after the tool on the cluster's catalog Resource.
        </Typography>
      )}
    </>
  );
}
