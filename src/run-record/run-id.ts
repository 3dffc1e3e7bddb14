/** A run id that sorts by time and is safe as a folder name: 2026-11-28T10-15-03-123Z. */
export function createRunId(date = new Date()): string {
  return date.toISOString().replace(/:/g, '-').replace('.', '-');
}
