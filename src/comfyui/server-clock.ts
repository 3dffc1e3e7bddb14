// Putting the server's timestamps on the client clock, for runs whose end the gate learned from
// /history instead of the socket.
//
// Decision: the client-side end of such a run is the server's end timestamp moved onto the client
// clock, not the moment a poll found the entry (which adds up to a whole silence window: 10.01 s
// reported for a 1.15 s run). The move uses the offset seen on the socket: ComfyUI stamps a message
// just before sending it, so for every timestamped message of the prompt, receivedAt − timestamp
// is the clock difference plus the delivery delay (< 1 ms on loopback), and the smallest one is the
// best estimate. Without any timestamped message (no socket at all) the offset is taken as 0: the
// gate talks to a ComfyUI on this machine unless told otherwise, and both read the same wall clock.
// The result is then kept between what is certain: not before the last message seen for the
// prompt nor before submit + the server's own run time, not after the poll that found the entry.
// Precision: server timestamps are whole milliseconds, so ±1 ms plus the offset's error.

/** The smaller of the known offset and this message's receivedAt − timestamp. */
export function updateClockOffset(offset: number | undefined, receivedAt: number, timestamp: number): number {
  const candidate = receivedAt - timestamp;
  return offset === undefined ? candidate : Math.min(offset, candidate);
}

export interface ServerEndInput {
  /** Server epoch ms of the terminal event; undefined on servers that do not stamp it. */
  readonly serverEnd: number | undefined;
  readonly serverStart: number | undefined;
  /** From updateClockOffset; undefined when no timestamped message arrived. */
  readonly offset: number | undefined;
  readonly submittedAt: number;
  /** Client time of the last message seen for the prompt, if any. */
  readonly lastSeenAt: number | undefined;
  /** Client time the history entry arrived. */
  readonly historySeenAt: number;
}

/** The client time a run followed through /history ended (see the comment above); the poll time without a server end timestamp. */
export function getClientEndFromServer(input: ServerEndInput): number {
  const { serverEnd, serverStart, offset = 0, submittedAt, lastSeenAt, historySeenAt } = input;
  if (serverEnd === undefined) return historySeenAt;
  const serverRunMs = serverStart === undefined ? 0 : Math.max(0, serverEnd - serverStart);
  const earliest = Math.max(submittedAt + serverRunMs, lastSeenAt ?? submittedAt);
  return Math.min(historySeenAt, Math.max(earliest, serverEnd + offset));
}
