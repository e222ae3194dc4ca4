import { CustomErrorBase } from '@backstage/errors';

/** A user holds too many of something at once: answered with 429, in Express too. */
export class TooManyRequestsError extends CustomErrorBase {
  readonly statusCode = 429;
}

/** HTTP statuses of the errors the gateway answers itself, outside Express. */
const statusOf: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  BadGatewayError: 502,
  ServiceUnavailableError: 503,
};

export function errorStatus(error: Error): number {
  // As Backstage's error handler: a status the error carries comes first.
  const code = (error as { statusCode?: unknown }).statusCode;
  if (typeof code === 'number' && code >= 400 && code < 600) return code;
  return statusOf[error.name] ?? 500;
}

/** The body Backstage's error handler writes, so clients parse both alike. */
export function errorBody(error: Error, status = errorStatus(error)): string {
  return JSON.stringify({
    error: { name: error.name, message: error.message },
    response: { statusCode: status },
  });
}
