/** A plain-text table: columns padded to their widest cell; numeric-looking cells are right-aligned. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(width(header), ...rows.map((row) => width(row[column] ?? ''))));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => /^[-+]?[\d.,]+( ?(ms|s|%|MiB))?$|^n\/a/.test(row[column] ?? '')));
  const renderRow = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const pad = ' '.repeat(Math.max(0, (widths[column] ?? 0) - width(cell)));
        return numeric[column] === true ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((size) => '-'.repeat(size)).join('  ');
  return [renderRow(headers), rule, ...rows.map(renderRow)].join('\n');
}

// Code points, not UTF-16 units: ✓ and ✗ take one column.
function width(text: string): number {
  return [...text].length;
}
