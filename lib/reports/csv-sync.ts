/**
 * The Int32 slots of the SharedArrayBuffer a download's threads start with (csv-worker.ts, which
 * explains the handshake; csv-thread.ts makes the buffer). Here, not in csv-worker.ts, because
 * importing that module runs a thread's code.
 */
export const READY = 0;
export const GO = 1;
export const STARTED = 2;
export const FAILED = 3;
export const ALONE = 4;
export const SYNC_SLOTS = 5;
