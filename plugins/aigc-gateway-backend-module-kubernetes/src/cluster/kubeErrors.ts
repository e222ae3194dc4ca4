/** The HTTP status of a failed API call, when the API server answered. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (error: unknown) => statusOf(error) === 404;
export const isConflict = (error: unknown) => statusOf(error) === 409;

/**
 * One readable line for a failed call: the API server's own message when it
 * answered (client-node's message carries the whole body and headers), the
 * network cause when it did not.
 */
export function describeKubeError(error: unknown): string {
  const status = statusOf(error);
  const body = (error as { body?: unknown })?.body;
  if (status !== undefined) {
    let message: string | undefined;
    if (typeof body === 'string') {
      try {
        message = JSON.parse(body).message;
      } catch {
        message = body.slice(0, 200) || undefined;
      }
    } else if (body && typeof body === 'object') {
      message = (body as { message?: string }).message;
    }
    return `HTTP ${status}${message ? `: ${message}` : ''}`;
  }
  const err = error as {
    message?: string;
    code?: string;
    cause?: { code?: string; message?: string };
  };
  const cause = err?.cause?.code ?? err?.code;
  const message = err?.message ?? String(error);
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
