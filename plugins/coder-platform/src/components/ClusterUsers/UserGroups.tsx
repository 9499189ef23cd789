import type { KeycloakUserBrief } from '@coder-platform/plugin-coder-platform-common';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { coderPlatformApiRef } from '../../api';
import { classifyError } from '../DataStates';

/**
 * A user's Keycloak groups, loaded only when asked for: one
 * `getKeycloakUserGroups` request for this user, on click.
 */
export function UserGroups(props: {
  cluster: string;
  user: KeycloakUserBrief;
}) {
  const { cluster, user } = props;
  const api = useApi(coderPlatformApiRef);
  const [state, load] = useAsyncFn(
    () => api.getKeycloakUserGroups(cluster, user.id),
    [api, cluster, user.id],
  );

  if (state.loading) {
    return (
      <CircularProgress
        size={16}
        aria-label={`Loading groups of ${user.username}`}
      />
    );
  }
  if (state.error) {
    const error = classifyError(state.error);
    return (
      <Typography variant="body2" color="error">
        {error.kind === 'permission-denied' && error.permission
          ? `Groups need the permission ${error.permission}`
          : `Groups could not be loaded: ${error.message}`}{' '}
        <Button size="small" onClick={() => load()}>
          Retry
        </Button>
      </Typography>
    );
  }
  if (state.value) {
    if (state.value.items.length === 0) {
      return (
        <Typography variant="body2" color="textSecondary">
          No groups
        </Typography>
      );
    }
    return (
      <div aria-label={`Groups of ${user.username}`} role="list">
        {state.value.items.map(group => (
          <Chip
            key={group.id}
            role="listitem"
            size="small"
            label={group.path ?? group.name}
            style={{ margin: 2 }}
          />
        ))}
      </div>
    );
  }
  return (
    <Button
      size="small"
      variant="outlined"
      aria-label={`Show groups of ${user.username}`}
      onClick={() => load()}
    >
      Show groups
    </Button>
  );
}
