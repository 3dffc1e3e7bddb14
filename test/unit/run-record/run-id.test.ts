import { describe, expect, it } from 'vitest';
import { createRunId } from '../../../src/run-record/run-id.ts';

describe('createRunId', () => {
  it('is the ISO time with the characters a folder name cannot hold replaced', () => {
    expect(createRunId(new Date('2026-11-28T10:15:03.123Z'))).toBe('2026-11-28T10-15-03-123Z');
  });

  it('sorts by time', () => {
    const ids = ['2026-11-28T10:15:03.123Z', '2026-11-28T09:59:59.999Z', '2026-11-28T10:15:03.124Z', '2025-12-31T23:00:00.000Z'].map((iso) =>
      createRunId(new Date(iso)),
    );
    expect([...ids].sort()).toEqual(['2025-12-31T23-00-00-000Z', '2026-11-28T09-59-59-999Z', '2026-11-28T10-15-03-123Z', '2026-11-28T10-15-03-124Z']);
  });

  it('uses the current time by default', () => {
    expect(createRunId()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
  });
});
