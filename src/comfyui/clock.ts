/** Client wall clock in epoch ms, monotonic within the process (performance.now based), fractional. */
export function getClientTime(): number {
  return performance.timeOrigin + performance.now();
}
