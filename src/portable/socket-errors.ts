// Turning the nng module's errors into messages that name the plugin and say what to do.

import { AppError, badRequest, InternalError, internal } from "../errors.ts";
import { isNngError } from "../nng/nng-error.ts";
import type { SpSocket } from "../nng/sp-socket.ts";

/**
 * Listens on `url` for `what` ("portable plugin mirror", "function echo"…). Throws 400 when a
 * live process owns the address or the address is invalid, 500 for anything else.
 */
export async function openListener(socket: SpSocket, url: string, what: string): Promise<void> {
  try {
    await socket.listen(url);
  } catch (err) {
    if (isNngError(err, "addrinuse")) {
      throw badRequest(
        `cannot listen for ${what} on ${url}: another live process listens there (another plugd, or eKuiper, running the same plugin?)`,
        err,
      );
    }
    if (isNngError(err, "addrinval"))
      throw badRequest(`cannot listen for ${what}: ${err.message}`, err);
    throw internal(`cannot listen for ${what} on ${url}: ${String(err)}`, err);
  }
}

/**
 * The error to throw when waiting on a plugin failed: `late` (400) for a timeout, "stopped"
 * (400) after the socket closed, and anything else, such as an interrupt reason, as it is.
 */
export function waitError(err: unknown, late: string, pluginName: string): Error {
  if (err instanceof AppError) return err;
  if (isNngError(err, "timeout")) return badRequest(late, err);
  if (isNngError(err, "closed")) return badRequest(`portable plugin ${pluginName} is stopped`, err);
  return err instanceof Error ? err : new InternalError(String(err));
}
