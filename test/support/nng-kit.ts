// Helpers for the nng tests: short temporary socket paths, linked socket pairs, raw byte peers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket, SocketHandler } from "bun";
import { FrameDecoder, HEADER_SIZE } from "../../src/nng/frame.ts";
import { NngError } from "../../src/nng/nng-error.ts";
import type { DialOptions, SpSocket } from "../../src/nng/sp-socket.ts";
import { waitFor } from "./wait.ts";

/** UTF-8 bytes of `s`. */
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
/** The UTF-8 text of `bytes`. */
export const str = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A temporary folder for socket files, and the `ipc://` URL of a name in it. */
export interface TempDir extends Disposable {
  readonly path: string;
  url(name: string): string;
}

/** A fresh directory under the system temp dir (short, for the 107-byte limit); removed on dispose. */
export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "nng-"));
  return {
    path,
    url: (name) => `ipc://${path}/${name}`,
    [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** A listening socket and a socket dialed to it; disposing closes both and removes the folder. */
export interface Linked<L extends SpSocket, D extends SpSocket> extends AsyncDisposable {
  readonly dir: TempDir;
  /** The URL `listener` listens on, and its socket file's path. */
  readonly url: string;
  readonly path: string;
  readonly listener: L;
  readonly dialer: D;
}

/** Makes `listener` listen in a fresh folder and dials `dialer` to it (blocking dial). */
export async function linked<L extends SpSocket, D extends SpSocket>(
  listener: L,
  dialer: D,
  dialOptions: DialOptions = {},
): Promise<Linked<L, D>> {
  const dir = tempDir();
  const url = dir.url("link.ipc");
  await listener.listen(url);
  await dialer.dial(url, dialOptions);
  return {
    dir,
    url,
    path: `${dir.path}/link.ipc`,
    listener,
    dialer,
    [Symbol.asyncDispose]: async () => {
      await dialer.close();
      await listener.close();
      dir[Symbol.dispose]();
    },
  };
}

/** The NngError kind a promise rejects with, "resolved" when it does not, for table-like asserts. */
export async function kindOf(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) return "resolved";
  return err instanceof NngError ? err.kind : String(err);
}

/** A hand-driven unix socket peer that records every byte it receives. */
export interface RawPeer {
  /** Everything received so far. */
  received(): Uint8Array;
  /** The payloads of the frames received after the peer's SP header. */
  frames(): Uint8Array[];
  write(bytes: Uint8Array): void;
  isClosed(): boolean;
  close(): void;
}

interface RawState {
  chunks: Uint8Array[];
  closed: boolean;
}

const rawHandlers: SocketHandler<RawState> = {
  data: (socket, chunk) => void socket.data.chunks.push(chunk.slice()),
  close: (socket) => {
    socket.data.closed = true;
  },
};

function rawPeer(socket: Socket<RawState>): RawPeer {
  const state = socket.data;
  const received = () => Uint8Array.from(state.chunks.flatMap((chunk) => Array.from(chunk)));
  return {
    received,
    frames: () => new FrameDecoder().push(received().subarray(HEADER_SIZE)),
    write: (bytes) => void socket.write(bytes),
    isClosed: () => state.closed,
    close: () => socket.end(),
  };
}

/** Connects a raw peer to `path`. */
export async function rawConnect(path: string): Promise<RawPeer> {
  const data: RawState = { chunks: [], closed: false };
  return rawPeer(await Bun.connect<RawState>({ unix: path, data, socket: rawHandlers }));
}

/** Listens on `path`; `peers` fills with a RawPeer per accepted connection. */
export function rawListen(path: string): { peers: RawPeer[] } & Disposable {
  const peers: RawPeer[] = [];
  const listener = Bun.listen<RawState>({
    unix: path,
    socket: {
      ...rawHandlers,
      open: (socket) => {
        socket.data = { chunks: [], closed: false };
        peers.push(rawPeer(socket));
      },
    },
  });
  return { peers, [Symbol.dispose]: () => listener.stop(true) };
}

/**
 * Connects a probe to `path`, served by `listener`, and resolves with how many connections
 * the listener accepted before the probe's: connections are accepted in the order they come.
 */
export async function connectionsBefore(listener: { peers: RawPeer[] }, path: string) {
  const probe = await rawConnect(path);
  probe.write(text("probe"));
  const isProbe = (peer: RawPeer) => str(peer.received()) === "probe";
  await waitFor(() => listener.peers.some(isProbe), "the probe connection");
  probe.close();
  return listener.peers.findIndex(isProbe);
}
