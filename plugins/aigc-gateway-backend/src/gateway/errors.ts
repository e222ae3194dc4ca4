/** HTTP statuses of the errors the gateway answers itself, outside Express. */
const statusOf: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  BadGatewayError: 502,
};

export function errorStatus(error: Error): number {
  return statusOf[error.name] ?? 500;
}

/** The body Backstage's error handler writes, so clients parse both alike. */
export function errorBody(error: Error, status = errorStatus(error)): string {
  return JSON.stringify({
    error: { name: error.name, message: error.message },
    response: { statusCode: status },
  });
}
