import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { SEARCH_MAX_LENGTH, TriState, UsersTableState } from './usersQuery';

/** Time after the last key stroke before the search goes to the backend. */
const SEARCH_DEBOUNCE_MS = 400;

function TriStateSelect(props: {
  id: string;
  label: string;
  value: TriState;
  yes: string;
  no: string;
  onChange: (value: TriState) => void;
}) {
  return (
    <TextField
      select
      id={props.id}
      label={props.label}
      value={props.value}
      onChange={event => props.onChange(event.target.value as TriState)}
      SelectProps={{ native: true }}
      variant="outlined"
      size="small"
      style={{ minWidth: 160 }}
    >
      <option value="any">Any</option>
      <option value="yes">{props.yes}</option>
      <option value="no">{props.no}</option>
    </TextField>
  );
}

/** Search box and the verified / enabled filters of the users table. */
export function UsersFilters(props: {
  state: UsersTableState;
  onChange: (change: Partial<UsersTableState>) => void;
}) {
  const { state, onChange } = props;
  const [search, setSearch] = useState(state.search);
  useDebounce(
    () => {
      if (search.trim() !== state.search.trim()) onChange({ search });
    },
    SEARCH_DEBOUNCE_MS,
    [search],
  );

  return (
    <Box display="flex" flexWrap="wrap" marginBottom={2} style={{ gap: 16 }}>
      <TextField
        id="keycloak-users-search"
        label="Search users"
        placeholder="Username, email, first or last name"
        value={search}
        onChange={event => setSearch(event.target.value)}
        inputProps={{ maxLength: SEARCH_MAX_LENGTH }}
        variant="outlined"
        size="small"
        style={{ minWidth: 280 }}
      />
      <TriStateSelect
        id="keycloak-users-email-verified"
        label="Email verified"
        value={state.emailVerified}
        yes="Verified"
        no="Not verified"
        onChange={emailVerified => onChange({ emailVerified })}
      />
      <TriStateSelect
        id="keycloak-users-enabled"
        label="Enabled"
        value={state.enabled}
        yes="Enabled"
        no="Disabled"
        onChange={enabled => onChange({ enabled })}
      />
    </Box>
  );
}
