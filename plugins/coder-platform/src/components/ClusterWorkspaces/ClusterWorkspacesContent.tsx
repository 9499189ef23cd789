import { useApi } from '@backstage/core-plugin-api';
import { coderPlatformCoderReadPermission } from '@coder-platform/plugin-coder-platform-common';
import Button from '@material-ui/core/Button';
import TablePagination from '@material-ui/core/TablePagination';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { FormEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { DataStateView } from '../DataStates';
import { WorkspacesTable } from './WorkspacesTable';

const PAGE_SIZES = [10, 25, 50, 100];

/** Joins a fixed filter (e.g. `template:devbox`) and the user's search into Coder's `q`. */
export function workspaceQuery(fixed: string | undefined, search: string) {
  return [fixed, search.trim()].filter(Boolean).join(' ') || undefined;
}

/**
 * A cluster's Workspaces tab: Coder's workspace search, paged by the backend
 * (`q`, `limit`, `offset`), linking each workspace to Coder.
 */
export function ClusterWorkspacesContent(props: {
  cluster: string;
  /** A filter always applied, e.g. `template:devbox`. */
  fixedQuery?: string;
  /** Rows per page at first; 25 unless given. */
  pageSize?: number;
  hideTemplate?: boolean;
  /** Coder's dashboard URL when the caller has it; read from the overview otherwise. */
  coderUrl?: string;
}) {
  const { cluster, fixedQuery, hideTemplate } = props;
  const api = useApi(coderPlatformApiRef);
  const [input, setInput] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(props.pageSize ?? 25);
  const q = workspaceQuery(fixedQuery, search);

  const workspaces = useAsync(
    () =>
      api.listWorkspaces(cluster, {
        q,
        limit: pageSize,
        offset: page * pageSize,
      }),
    [api, cluster, q, page, pageSize],
  );
  // Coder's dashboard URL, for the links; the backend caches the overview.
  const overview = useAsync(
    async () => (props.coderUrl ? undefined : api.getCoderOverview(cluster)),
    [api, cluster, props.coderUrl],
  );
  const coderUrl = props.coderUrl ?? overview.value?.buildInfo.dashboardUrl;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPage(0);
    setSearch(input);
  };

  return (
    <>
      <form onSubmit={submit} role="search" aria-label="Search workspaces">
        <TextField
          label="Search"
          placeholder="owner:alice status:running name"
          helperText={
            fixedQuery
              ? `Coder's workspace search, within ${fixedQuery}`
              : "Coder's workspace search: owner:, template:, status:, or a name"
          }
          value={input}
          onChange={e => setInput(e.target.value)}
          size="small"
          variant="outlined"
          inputProps={{ 'aria-label': 'Search workspaces' }}
        />{' '}
        <Button type="submit" variant="outlined">
          Search
        </Button>
      </form>
      <DataStateView
        state={workspaces}
        what="Coder workspaces"
        permission={coderPlatformCoderReadPermission.name}
      >
        {response =>
          response.items.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              {q ? `No workspaces match "${q}".` : 'No workspaces yet.'}
            </Typography>
          ) : (
            <>
              <WorkspacesTable
                items={response.items}
                coderUrl={coderUrl}
                hideTemplate={hideTemplate}
              />
              <TablePagination
                component="div"
                count={response.count}
                page={page}
                rowsPerPage={pageSize}
                rowsPerPageOptions={PAGE_SIZES}
                onPageChange={(_event, next) => setPage(next)}
                onRowsPerPageChange={event => {
                  setPageSize(Number(event.target.value));
                  setPage(0);
                }}
              />
            </>
          )
        }
      </DataStateView>
    </>
  );
}
