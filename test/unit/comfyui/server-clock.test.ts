import { describe, expect, it } from 'vitest';
import { getClientEndFromServer, updateClockOffset } from '../../../src/comfyui/server-clock.ts';

// Client clock: submit at 1000. Server clock runs 5000 ms ahead of the client's.
const base = { submittedAt: 1000, serverStart: 6010, serverEnd: 7160, lastSeenAt: undefined, historySeenAt: 11_010 } as const;

describe('updateClockOffset', () => {
  it('keeps the smallest receivedAt − timestamp: the message that was delivered fastest', () => {
    let offset = updateClockOffset(undefined, 1012, 6010);
    offset = updateClockOffset(offset, 1013, 6011.5);
    offset = updateClockOffset(offset, 1100, 6050);
    expect(offset).toBe(-4998.5);
  });
});

describe('getClientEndFromServer', () => {
  it('moves the server end onto the client clock with the socket offset: a 10 s poll delay does not count', () => {
    expect(getClientEndFromServer({ ...base, offset: -4999, lastSeenAt: 1011 })).toBe(2161);
  });

  it('takes one wall clock for both without any timestamped message (ComfyUI on this machine)', () => {
    expect(getClientEndFromServer({ ...base, serverStart: 1010, serverEnd: 2160, offset: undefined })).toBe(2160);
  });

  it('never puts the end after the poll that found the entry', () => {
    expect(getClientEndFromServer({ ...base, offset: 5000 })).toBe(11_010);
  });

  it('never puts the end before submit + the server run time, nor before the last message seen', () => {
    expect(getClientEndFromServer({ ...base, offset: -10_000 })).toBe(1000 + 1150);
    expect(getClientEndFromServer({ ...base, offset: -10_000, lastSeenAt: 3000 })).toBe(3000);
  });

  it('falls back to the poll time on servers that do not stamp the end', () => {
    expect(getClientEndFromServer({ ...base, serverEnd: undefined, offset: -5000 })).toBe(11_010);
  });
});
