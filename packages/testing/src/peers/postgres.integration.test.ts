import { TestDatabases } from '@backstage/backend-test-utils';
import { requirePeer } from './peersEnv';

/**
 * The machine's PostgreSQL 15 from `yarn peers up postgres`, used through
 * Backstage's own test databases (which would otherwise need Docker).
 */
const peer = requirePeer('postgres', ['PEERS_PG_URL']);
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING =
  peer.PEERS_PG_URL;

describe('postgres peer', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'gives each test its own database on %s',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const [{ version }] = (
        await knex.raw<{ rows: { version: string }[] }>('select version()')
      ).rows;
      expect(version).toMatch(/^PostgreSQL 15\./);

      await knex.schema.createTable('clusters', table => {
        table.string('name').primary();
        table.jsonb('summary').notNullable();
      });
      await knex('clusters').insert({
        name: 'dev-eu1',
        summary: JSON.stringify({ coder: { version: 'v2.24.1' } }),
      });
      const rows = await knex('clusters').select();
      expect(rows).toEqual([
        { name: 'dev-eu1', summary: { coder: { version: 'v2.24.1' } } },
      ]);
    },
  );
});
