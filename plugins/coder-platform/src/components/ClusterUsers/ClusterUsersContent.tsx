import { useApi } from '@backstage/frontend-plugin-api';
import { coderPlatformKeycloakUsersReadPermission } from '@coder-platform/plugin-coder-platform-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import {
  DataStateView,
  LoadingState,
  NotConfiguredState,
  PermissionDeniedState,
  useDataState,
} from '../DataStates';
import { RealmSummary } from './RealmSummary';
import { UsersTable } from './UsersTable';

const WHAT = 'Keycloak users';
const PERMISSION = coderPlatformKeycloakUsersReadPermission.name;

function PermittedUsers(props: { cluster: string }) {
  const { cluster } = props;
  const api = useApi(coderPlatformApiRef);
  const summary = useAsync(
    () => api.getKeycloakSummary(cluster),
    [api, cluster],
  );
  const state = useDataState(summary);

  // The users route answers the same: one panel, not two.
  if (state.kind === 'permission-denied') {
    return (
      <PermissionDeniedState
        what={WHAT}
        permission={state.permission ?? PERMISSION}
      />
    );
  }
  if (state.kind === 'not-configured') {
    return (
      <NotConfiguredState
        what={WHAT}
        message={state.message}
        configKey={state.configKey}
      />
    );
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <DataStateView
          state={summary}
          what="Keycloak realm summary"
          permission={PERMISSION}
        >
          {value => <RealmSummary summary={value} />}
        </DataStateView>
      </Grid>
      <Grid item xs={12}>
        <UsersTable cluster={cluster} />
      </Grid>
    </Grid>
  );
}

/**
 * The Users tab of a cluster: realm summary, then the server-paged users
 * table. Users are personal data: without
 * `coder-platform.keycloak.users.read` it names the permission and sends no
 * request for them.
 */
export function ClusterUsersContent(props: { cluster: string }) {
  const permission = usePermission({
    permission: coderPlatformKeycloakUsersReadPermission,
  });
  if (permission.loading) {
    return <LoadingState what={WHAT} />;
  }
  if (!permission.allowed) {
    return <PermissionDeniedState what={WHAT} permission={PERMISSION} />;
  }
  return <PermittedUsers cluster={props.cluster} />;
}
