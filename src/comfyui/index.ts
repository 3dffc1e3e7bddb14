// The ComfyUI client: HTTP, WebSocket, following a run, the benchmark workflow.
export * from './clock';
export * from './errors';
export * from './follow-prompt';
export * from './http-client';
export * from './node-errors';
export * from './run-outcome';
export * from './schemas';
export * from './socket';
export * from './workflow';
