// AppError: the one error type services throw; the HTTP layer turns it into eKuiper's error body.

/** eKuiper's error codes: 1000 for every client or server fault, 1002 when a thing is missing. */
export const ErrorCode = { general: 1000, notFound: 1002 } as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An error with an HTTP status and an eKuiper error code. The numeric field is `errorCode`,
 * not `code`, because Elysia reads `error.code` as its own error kind.
 */
export class AppError extends Error {
  readonly status: number;
  readonly errorCode: ErrorCode;

  constructor(
    status: number,
    errorCode: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The JSON body eKuiper writes for an error. */
  toBody(): { error: ErrorCode; message: string } {
    return { error: this.errorCode, message: this.message };
  }
}

/**
 * A fault found where no HTTP status is known (supervisor, systemd, store, audit log): a
 * refused system call, a broken invariant, a store newer than this plugd. Its message is for
 * the log, or for the caller to wrap in an AppError with its own status; the HTTP error
 * handler answers an unwrapped one as 500 "internal error; see the server log", and `main`
 * logs its message when start-up fails. Configuration faults are `ConfigError` instead.
 */
export class InternalError extends Error {
  override readonly name = "InternalError";
}

/** 400, code 1000: the client sent something we refuse; the message says what to fix. */
export function badRequest(message: string, cause?: unknown): AppError {
  return new AppError(400, ErrorCode.general, message, { cause });
}

/** 404, code 1002: the named thing does not exist. */
export function notFound(message: string): AppError {
  return new AppError(404, ErrorCode.notFound, message);
}

/** 401, code 1000: the request carries no valid credentials. */
export function unauthorized(message: string): AppError {
  return new AppError(401, ErrorCode.general, message);
}

/** 403, code 1000: the caller is known but may not do this. */
export function forbidden(message: string): AppError {
  return new AppError(403, ErrorCode.general, message);
}

/** 409, code 1000: another change to the same plugin is under way. */
export function conflict(message: string): AppError {
  return new AppError(409, ErrorCode.general, message);
}

/** 413, code 1000: a download or upload exceeds the configured size limit. */
export function tooLarge(message: string): AppError {
  return new AppError(413, ErrorCode.general, message);
}

/** 429, code 1000: too many requests of this kind are in progress; the client may retry later. */
export function tooManyRequests(message: string): AppError {
  return new AppError(429, ErrorCode.general, message);
}

/** 500, code 1000: a fault of the server itself, never of the input. */
export function internal(message: string, cause?: unknown): AppError {
  return new AppError(500, ErrorCode.general, message, { cause });
}

/** The message of anything thrown, for logs and error texts. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The `code` of a Node-style system error ("ENOENT", "ESRCH"…), if it has one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null || !("code" in err)) return undefined;
  return typeof err.code === "string" ? err.code : undefined;
}
