/**
 * An import cannot go on: the file cannot be read, the dashboard refused the token or stayed
 * unreachable, the database cannot be written. The message is meant for the person running it.
 */
export class FatalImportError extends Error {
  override name = 'FatalImportError';
}

/** The words of an error, including the cause fetch and the file system hide behind a generic message. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' && !cause.message.includes(code) ? `${code}: ` : ''}${cause.message})`;
  }
  return error.message;
}
