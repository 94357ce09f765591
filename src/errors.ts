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

/** A helper that builds the AppError of one status, as the ones below. */
function answer(status: number, errorCode: ErrorCode = ErrorCode.general) {
  return (message: string, cause?: unknown): AppError =>
    new AppError(status, errorCode, message, { cause });
}

/** 400, code 1000: the client sent something we refuse; the message says what to fix. */
export const badRequest = answer(400);

/** 404, code 1002: the named thing does not exist. */
export const notFound = answer(404, ErrorCode.notFound);

/** 401, code 1000: the request carries no valid credentials. */
export const unauthorized = answer(401);

/** 403, code 1000: the caller is known but may not do this. */
export const forbidden = answer(403);

/** 409, code 1000: another change to the same plugin is under way. */
export const conflict = answer(409);

/** 413, code 1000: a download or upload exceeds the configured size limit. */
export const tooLarge = answer(413);

/** 507, code 1000: the home's file system has no room for what the request needs. */
export const insufficientStorage = answer(507);

/** 429, code 1000: too many requests of this kind are in progress; the client may retry later. */
export const tooManyRequests = answer(429);

/** 501, code 1000: plugd cannot do this at all (a native plugin runs only inside eKuiper). */
export const notImplemented = answer(501);

/** 500, code 1000: a fault of the server itself, never of the input. */
export const internal = answer(500);

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
