// Prefixes an error's message with what the request was doing, as eKuiper's answers read.
import { AppError } from "../errors.ts";

/**
 * Runs `work`; an AppError it throws comes back with `<context>: <message>`, the form eKuiper
 * gives its error messages (for example `create sources plugin random: invalid name ...`).
 */
export async function inContext<T>(context: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError) {
      throw new AppError(err.status, err.errorCode, `${context}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
