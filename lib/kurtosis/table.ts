// Kurtosis tables are Go text/tabwriter output (padding 3): every cell but the last is padded to the
// column's widest cell + 3, so column offsets are constant and come from the header line. Cells may
// contain single spaces (`Creation Time`, ` Thu, 20 Aug 2026 …`), so rows are sliced, never split.

import { stripVTControlCharacters } from 'node:util';

export interface TableColumns {
  /** Header cell texts (`''` for an empty header cell, as in `cluster ls`). */
  names: string[];
  /** Start offset of each column in every row. */
  starts: number[];
}

/** Lines of a tool's output: ANSI stripped, `\r` and trailing newline dropped. */
export function outputLines(text: string): string[] {
  const lines = stripVTControlCharacters(text).split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Column layout from a header line. Header cells are separated by at least 2 spaces (padding is 3). */
export function columnsFromHeader(header: string): TableColumns {
  const names: string[] = [];
  const starts: number[] = [];
  // `cluster ls` has an empty first header cell: the header starts with its padding.
  if (/^ {2,}\S/.test(header)) {
    names.push('');
    starts.push(0);
  }
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) {
    names.push(m[0]);
    starts.push(m.index);
  }
  return { names, starts };
}

/** The trimmed cells of a row, one per column (`''` for an empty or missing cell). */
export function sliceRow(row: string, columns: TableColumns): string[] {
  const { starts } = columns;
  const bounds = starts.map((s) => adjustBoundary(row, s));
  return bounds.map((start, i) => {
    const end = i + 1 < bounds.length ? bounds[i + 1]! : row.length;
    return start >= row.length ? '' : row.slice(start, Math.max(start, end)).trim();
  });
}

// A pasted TTY table can be off by a space or two (ANSI bytes count toward tabwriter widths). When a
// boundary falls inside a word, move it back to the word's start so neither cell is cut.
function adjustBoundary(row: string, start: number): number {
  if (start === 0 || start >= row.length) return start;
  let b = start;
  while (b > 0 && row[b - 1] !== ' ' && row[b] !== ' ' && start - b < 3) b--;
  return row[b - 1] === ' ' || b === 0 ? b : start;
}
