const CONNECTION_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Short words for a connection-level failure ("connection refused", "no answer within 500 ms"). */
export function describeConnectionError(error: unknown, timeoutMs: number): string {
  const code = getErrorCode(error);
  if (code?.endsWith('TIMEOUT')) return `no answer within ${timeoutMs} ms`;
  const known = code === undefined ? undefined : CONNECTION_REASONS[code];
  if (known !== undefined) return known;
  return error instanceof Error ? error.message : String(error);
}

/** The `code` of a Node error, also when it sits on an AggregateError's members (IPv4/IPv6 attempts) or on `cause`. */
export function getErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors, cause } = error as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors) && errors.length > 0) return getErrorCode(errors[0]);
  return cause === undefined ? undefined : getErrorCode(cause);
}
