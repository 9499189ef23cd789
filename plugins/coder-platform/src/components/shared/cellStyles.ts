/**
 * Backstage's theme lets every table cell break anywhere (`word-break:
 * break-word` on `MuiTableCell`), so a narrow column splits its header and
 * values mid-word ("Kin d", "Compres sed", "v1.17. 4"). Cells of our plain
 * MUI tables opt out with these styles; the table sits in a
 * `TableContainer`, so a screen too narrow for it scrolls it sideways.
 */

/** One line, never broken: short headers, kinds, sizes, versions. */
export const wholeCell = { whiteSpace: 'nowrap', wordBreak: 'normal' } as const;

/** Wraps at spaces only ("2026-12-01 / 01:00 UTC"), never inside a word. */
export const wordsCell = {
  wordBreak: 'normal',
  overflowWrap: 'normal',
} as const;
