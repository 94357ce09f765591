// Helpers for the nng tests: short temporary socket paths, raw byte peers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket, SocketHandler } from "bun";
import { NngError } from "../../src/nng/nng-error.ts";

/** A fresh directory under the system temp dir (short, for the 107-byte limit); removed on dispose. */
export function tempDir(): { path: string; url: (name: string) => string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), "nng-"));
  return {
    path,
    url: (name) => `ipc://${path}/${name}`,
    [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }),
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
  return {
    received: () => Uint8Array.from(state.chunks.flatMap((chunk) => Array.from(chunk))),
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
