// The IPC transport: `ipc://` addresses, listening with NNG's stale-file rule, and blocking dials.
import { unlinkSync } from "node:fs";
import type { Socket, UnixSocketListener } from "bun";
import { errnoCode } from "../errors.ts";
import { NngError } from "./nng-error.ts";
import { Pipe, type PipeConfig, type PipeEvents, pipeHandlers } from "./pipe.ts";

/** sun_path holds 108 bytes including the terminating NUL. */
export const MAX_IPC_PATH_BYTES = 107;
const SCHEME = "ipc://";

/**
 * The filesystem path named by an `ipc:///path` URL. Throws NngError `addrinval` for another
 * scheme, an empty path, or a path longer than 107 bytes (what NNG and the kernel refuse).
 */
export function ipcPath(url: string): string {
  if (!url.startsWith(SCHEME)) {
    throw new NngError("addrinval", `address ${url} is not an ipc:// URL`);
  }
  const path = url.slice(SCHEME.length);
  if (path.length === 0) throw new NngError("addrinval", `address ${url} has no path`);
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_IPC_PATH_BYTES) {
    throw new NngError(
      "addrinval",
      `socket path ${path} is ${bytes} bytes; unix sockets allow at most ${MAX_IPC_PATH_BYTES}`,
    );
  }
  return path;
}

/** Maps a failed `connect()` to NNG's error: a missing file is "refused" too, as in NNG. */
function connectError(path: string, err: unknown): NngError {
  const code = errnoCode(err);
  if (code === "ECONNREFUSED" || code === "ENOENT") {
    return new NngError("connrefused", `nobody listens on ${path} (${code})`, { cause: err });
  }
  if (code === "EINVAL") return new NngError("addrinval", `invalid path ${path}`, { cause: err });
  return new NngError("connrefused", `cannot connect to ${path} (${code})`, { cause: err });
}

/** True when a process accepts connections on `path`; false when the file is stale or gone. */
async function isListening(path: string): Promise<boolean> {
  try {
    const probe = await Bun.connect({ unix: path, socket: { data() {} } });
    probe.end();
    return true;
  } catch (err) {
    const code = errnoCode(err);
    // Connecting to a dead socket file, or to a regular file, is refused: both are stale.
    if (code === "ECONNREFUSED" || code === "ENOENT") return false;
    throw new NngError("addrinuse", `cannot probe ${path} (${code})`, { cause: err });
  }
}

function bind(path: string, config: PipeConfig, events: PipeEvents): UnixSocketListener<Pipe> {
  return Bun.listen<Pipe>({
    unix: path,
    socket: {
      ...pipeHandlers,
      open: (socket: Socket<Pipe>) => {
        socket.data = new Pipe(config, events);
        socket.data.attach(socket);
      },
    },
  });
}

/**
 * Listens on an `ipc://` URL; each accepted connection becomes a Pipe reporting to `events`.
 * Like NNG, an existing file at the path is probed: nobody answering means it is stale and
 * it is removed (even a regular file). Throws NngError `addrinval` for a bad address and
 * `addrinuse` when a live listener owns the path. Bun removes the file when the listener stops.
 */
export async function listenIpc(
  url: string,
  config: PipeConfig,
  events: PipeEvents,
): Promise<UnixSocketListener<Pipe>> {
  const path = ipcPath(url);
  try {
    return bind(path, config, events);
  } catch (err) {
    if (errnoCode(err) !== "EADDRINUSE") {
      throw new NngError("addrinval", `cannot listen on ${path}: ${String(err)}`, { cause: err });
    }
  }
  if (await isListening(path)) {
    throw new NngError("addrinuse", `another process is listening on ${path}`);
  }
  try {
    unlinkSync(path);
  } catch (err) {
    if (errnoCode(err) !== "ENOENT") {
      throw new NngError("addrinuse", `cannot remove stale ${path}`, { cause: err });
    }
  }
  try {
    return bind(path, config, events);
  } catch (err) {
    throw new NngError("addrinuse", `cannot listen on ${path}: ${String(err)}`, { cause: err });
  }
}

/**
 * Dials an `ipc://` URL and resolves with the Pipe only after the SP header exchange, like
 * NNG's blocking dial. Rejects with NngError `connrefused` when nobody listens, `protocol`
 * when the peer speaks another protocol or hangs up, `timeout` when its header does not
 * come within `config.handshakeTimeoutMs`.
 */
export function dialIpc(url: string, config: PipeConfig, events: PipeEvents): Promise<Pipe> {
  const path = ipcPath(url);
  return new Promise<Pipe>((resolve, reject) => {
    let opened = false;
    const pipe = new Pipe(config, {
      ...events,
      onOpen: (p) => {
        opened = true;
        events.onOpen(p);
        resolve(p);
      },
      onClose: (p, reason) => {
        if (opened) return events.onClose(p, reason);
        reject(reason ?? new NngError("protocol", `${path} closed during the SP header exchange`));
      },
    });
    Bun.connect<Pipe>({ unix: path, data: pipe, socket: pipeHandlers }).catch((err: unknown) => {
      reject(connectError(path, err));
      pipe.close(undefined);
    });
  });
}
