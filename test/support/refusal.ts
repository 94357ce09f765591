// refusalOf(): the status and message of the AppError a call throws, for whole-object asserts.
import { AppError } from "../../src/errors.ts";

/** What `run` was refused with, or undefined when it returned; errors other than AppError fly on. */
export function refusalOf(run: () => unknown): { status: number; message: string } | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { status: err.status, message: err.message };
  }
}
