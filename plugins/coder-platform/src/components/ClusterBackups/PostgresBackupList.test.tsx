import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { mainPostgresStatusFixture } from '../../__fixtures__/backups';
import { PostgresBackupList } from './PostgresBackupList';

async function renderList() {
  await renderInTestApp(
    <PostgresBackupList status={mainPostgresStatusFixture} />,
  );
  return screen.getByRole('table', {
    name: 'Base backups of main-postgres-db',
  });
}

describe('PostgresBackupList', () => {
  it('lists every base backup newest first with its kind and sizes', async () => {
    const table = await renderList();
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(1 + mainPostgresStatusFixture.backups.length);
    const newest = [...mainPostgresStatusFixture.backups]
      .filter(backup => backup.startTime)
      .sort((a, b) => b.startTime!.localeCompare(a.startTime!))[0];
    expect(rows[1]).toHaveTextContent(newest.name);
  });

  it('keeps headers and short values whole: no mid-word break in a narrow column', async () => {
    const table = await renderList();
    const [head, ...body] = within(table).getAllByRole('row');
    const headers = within(head).getAllByRole('columnheader');
    // Backstage's theme lets every table cell break anywhere; this is what
    // split "Kind" into "Kin d" and "Compressed" into "Compres sed".
    expect(headers[headers.length - 1]).toHaveStyle({
      wordBreak: 'break-word',
    });
    for (const name of [
      'Backup',
      'Kind',
      'Started',
      'Finished',
      'Compressed',
      'Uncompressed',
    ]) {
      expect(within(head).getByRole('columnheader', { name })).toHaveStyle({
        whiteSpace: 'nowrap',
        wordBreak: 'normal',
      });
    }
    for (const row of body) {
      const [backup, kind, started, finished, compressed, uncompressed] =
        within(row).getAllByRole('cell');
      // The backup name is one long identifier: it alone may break anywhere.
      expect(backup).toHaveStyle({ wordBreak: 'break-all' });
      for (const cell of [kind, compressed, uncompressed]) {
        expect(cell).toHaveStyle({ whiteSpace: 'nowrap', wordBreak: 'normal' });
      }
      // Dates wrap at their spaces only.
      for (const cell of [started, finished]) {
        expect(cell).toHaveStyle({
          wordBreak: 'normal',
          overflowWrap: 'normal',
        });
      }
    }
  });

  it('scrolls sideways on a screen too narrow for the table', async () => {
    const table = await renderList();
    expect(table.parentElement).toHaveClass('MuiTableContainer-root');
    expect(table.parentElement).toHaveStyle({ overflowX: 'auto' });
  });
});
