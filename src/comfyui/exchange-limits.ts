// How much the gate accepts from ComfyUI per exchange. Each cap is far above what a real server
// sends (recorded 0.3.64: /system_stats < 1 KB, /history/<id> ≤ 4 KB, /object_info 320 KB without
// custom nodes, a 512x512 PNG 626 KB, WebSocket text frames ≤ 2.7 KB, preview frames 126 KB) and
// far below what would hurt the gate's process.

const KIB = 1024;
const MIB = 1024 * KIB;

/** Body caps per endpoint, in bytes. */
export const BODY_LIMITS = Object.freeze({
  systemStats: 1 * MIB,
  history: 8 * MIB,
  objectInfo: 64 * MIB,
  models: 1 * MIB,
  view: 32 * MIB,
  prompt: 1 * MIB,
  /** /interrupt, /queue and other answers that are empty or tiny. */
  small: 1 * MIB,
});

/** WebSocket caps: any frame (ws `maxPayload`, binary previews included), and a text frame. */
export const SOCKET_LIMITS = Object.freeze({
  frame: 16 * MIB,
  text: 4 * MIB,
});

/** `1 MiB`, `64 KiB`, `1000 bytes`: a cap as a person reads it. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} bytes`;
}

/** `10 s`, `0.3 s`, `0.75 s`: a deadline as a person reads it. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}
