import {
  formatCreated,
  initialUsersTableState,
  toUsersQuery,
} from './usersQuery';

describe('toUsersQuery', () => {
  it.each([
    [{}, { first: 0, max: 20 }],
    [
      { page: 3, pageSize: 50 },
      { first: 150, max: 50 },
    ],
    [{ search: '  alice ' }, { first: 0, max: 20, search: 'alice' }],
    [{ search: '   ' }, { first: 0, max: 20 }],
    [{ enabled: 'no' as const }, { first: 0, max: 20, enabled: false }],
    [
      { emailVerified: 'yes' as const, enabled: 'yes' as const },
      { first: 0, max: 20, emailVerified: true, enabled: true },
    ],
  ])('maps %o to %o', (change, expected) => {
    expect(toUsersQuery({ ...initialUsersTableState, ...change })).toEqual(
      expected,
    );
  });
});

describe('formatCreated', () => {
  it('prints the UTC day, or a dash when Keycloak sent none', () => {
    expect(formatCreated(Date.parse('2025-06-17T23:59:59Z'))).toBe(
      '2025-06-17',
    );
    expect(formatCreated(undefined)).toBe('–');
    expect(formatCreated(Number.NaN)).toBe('–');
  });
});
