import { Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  coderPlatformKeycloakUsersReadPermission,
  KeycloakUserBrief,
} from '@coder-platform/plugin-coder-platform-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import TablePagination from '@material-ui/core/TablePagination';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { DataStateView } from '../DataStates';
import { wholeCell, wordsCell } from '../shared';
import { UserGroups } from './UserGroups';
import { UsersFilters } from './UsersFilters';
import {
  formatCreated,
  initialUsersTableState,
  PAGE_SIZES,
  toUsersQuery,
  UsersTableState,
} from './usersQuery';

function YesNo(props: { value: boolean; yes: string; no: string }) {
  return (
    <Chip
      size="small"
      variant={props.value ? 'outlined' : 'default'}
      color={props.value ? 'primary' : 'secondary'}
      label={props.value ? props.yes : props.no}
    />
  );
}

function fullName(user: KeycloakUserBrief): string | undefined {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return name || undefined;
}

/**
 * Backstage's theme breaks table cells anywhere ("user00000@exa mple.com"):
 * headers wrap at spaces only; usernames, e-mail addresses and dates stay
 * whole (the table scrolls sideways when they do not fit). Each column gets
 * its own copy of the shared styles: Backstage's Table writes the highlight
 * column's bold and header colour into the objects it is given.
 */
function columns(cluster: string): TableColumn<KeycloakUserBrief>[] {
  const list: TableColumn<KeycloakUserBrief>[] = [
    {
      title: 'Username',
      field: 'username',
      highlight: true,
      cellStyle: { ...wholeCell },
      render: user => (
        <>
          {user.username}
          {fullName(user) && (
            <Typography variant="body2" color="textSecondary">
              {fullName(user)}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Email',
      field: 'email',
      emptyValue: '–',
      cellStyle: { ...wholeCell },
    },
    {
      title: 'Email verified',
      render: user => (
        <YesNo value={user.emailVerified} yes="Verified" no="Not verified" />
      ),
    },
    {
      title: 'Enabled',
      render: user => (
        <YesNo value={user.enabled} yes="Enabled" no="Disabled" />
      ),
    },
    {
      title: 'Created',
      cellStyle: { ...wholeCell },
      render: user => formatCreated(user.createdTimestamp),
    },
    {
      title: 'Required actions',
      render: user =>
        user.requiredActions.length === 0
          ? '–'
          : user.requiredActions.map(action => (
              <Chip
                key={action}
                size="small"
                label={action}
                style={{ margin: 2 }}
              />
            )),
    },
    {
      title: 'Groups',
      // Keyed by user, so a row reused for another user on the next page starts over.
      render: user => (
        <UserGroups key={user.id} cluster={cluster} user={user} />
      ),
    },
  ];
  return list.map(column => ({ ...column, headerStyle: { ...wordsCell } }));
}

/**
 * The realm's users, one backend page at a time: search, the verified and
 * enabled filters and the page all go to `listKeycloakUsers`.
 */
export function UsersTable(props: { cluster: string }) {
  const { cluster } = props;
  const api = useApi(coderPlatformApiRef);
  const [state, setState] = useState<UsersTableState>(initialUsersTableState);
  const query = useMemo(() => toUsersQuery(state), [state]);
  const request = useAsync(
    () => api.listKeycloakUsers(cluster, query),
    [api, cluster, query],
  );
  const tableColumns = useMemo(() => columns(cluster), [cluster]);

  // Keep the previous page on screen while the next one loads.
  const showing = {
    loading: request.loading && !request.value,
    error: request.loading ? undefined : request.error,
    value: request.value,
  };

  return (
    <>
      <UsersFilters
        state={state}
        onChange={change => setState(s => ({ ...s, ...change, page: 0 }))}
      />
      <DataStateView
        state={showing}
        what="Keycloak users"
        permission={coderPlatformKeycloakUsersReadPermission.name}
      >
        {users => (
          <>
            <Table<KeycloakUserBrief>
              title={`Users of realm ${users.realm}`}
              subtitle={`${users.total.toLocaleString('en-US')} matching`}
              isLoading={request.loading}
              options={{ paging: false, search: false, padding: 'dense' }}
              columns={tableColumns}
              data={users.items}
              emptyContent={
                <Box padding={2}>
                  No users match
                  {query.search ? ` "${query.search}"` : ''} with these filters.
                </Box>
              }
            />
            <TablePagination
              component="div"
              count={users.total}
              page={state.page}
              rowsPerPage={state.pageSize}
              rowsPerPageOptions={PAGE_SIZES}
              onPageChange={(_event, page) => setState(s => ({ ...s, page }))}
              onRowsPerPageChange={event =>
                setState(s => ({
                  ...s,
                  pageSize: Number(event.target.value),
                  page: 0,
                }))
              }
            />
          </>
        )}
      </DataStateView>
    </>
  );
}
