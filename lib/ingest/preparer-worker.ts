/**
 * The preparer thread: prepares pieces of large request bodies (body-parts.ts) so the writer
 * thread can spend its time storing. A piece comes from the server's main thread; what it became
 * goes straight to the writer thread over a port of their own (writer.ts wires it), never back
 * through the main thread, which would pay for copying the prepared rows twice.
 */
import fs from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { preparePart, type BodyPart, type PreparedPart } from './body-parts';

export type PreparerRequest = { ticket: number; part: BodyPart; receivedAt: number };
/** What the writer thread receives: the prepared piece, or the message of an unexpected failure. */
export type PreparedMessage = { ticket: number; part: PreparedPart } | { ticket: number; error: string; code?: string };

const { writerPort, databasePath } = workerData as { writerPort: MessagePort; databasePath: string };
const faultInjection = process.env.DASHBOARD_FAULT_INJECTION === '1';

parentPort!.on('message', ({ ticket, part, receivedAt }: PreparerRequest) => {
  // Tests only (DASHBOARD_FAULT_INJECTION=1): while `<database>.crash-preparer` exists, this thread dies on a piece.
  if (faultInjection && fs.existsSync(`${databasePath}.crash-preparer`)) process.exit(70);
  let message: PreparedMessage;
  try {
    message = { ticket, part: preparePart(part, receivedAt) };
  } catch (error) {
    message = { ticket, error: `the ingest preparer thread failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  writerPort.postMessage(message);
});
