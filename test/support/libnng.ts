// The real libnng for interop tests: a small bun:ffi binding, used by peers in child processes.

import { dlopen, ptr, toArrayBuffer } from "bun:ffi";
import { existsSync } from "node:fs";

const CANDIDATES = [
  "/usr/lib/x86_64-linux-gnu/libnng.so.1",
  "/usr/lib/aarch64-linux-gnu/libnng.so.1",
  "/usr/lib/arm-linux-gnueabihf/libnng.so.1",
  "/usr/local/lib/libnng.so.1",
  "/usr/local/lib/libnng.so",
  "/usr/lib/libnng.so.1",
];

/** The libnng shared object if installed (Debian: `apt-get install libnng1`), else undefined. */
export function libnngPath(): string | undefined {
  return CANDIDATES.find((path) => existsSync(path));
}

/** NNG_FLAG_ALLOC: nng_recv allocates the buffer, freed with nng_free. */
const FLAG_ALLOC = 1;

function bind(path: string) {
  const socket = { args: ["ptr"], returns: "i32" } as const;
  return dlopen(path, {
    nng_req0_open: socket,
    nng_rep0_open: socket,
    nng_push0_open: socket,
    nng_pull0_open: socket,
    nng_listen: { args: ["u32", "ptr", "ptr", "i32"], returns: "i32" },
    nng_dial: { args: ["u32", "ptr", "ptr", "i32"], returns: "i32" },
    nng_send: { args: ["u32", "ptr", "usize", "i32"], returns: "i32" },
    nng_recv: { args: ["u32", "ptr", "ptr", "i32"], returns: "i32" },
    nng_free: { args: ["ptr", "usize"], returns: "void" },
    nng_close: { args: ["u32"], returns: "i32" },
    nng_socket_set_ms: { args: ["u32", "ptr", "i32"], returns: "i32" },
    nng_socket_set_size: { args: ["u32", "ptr", "usize"], returns: "i32" },
    nng_strerror: { args: ["i32"], returns: "cstring" },
  }).symbols;
}

/** A libnng call that returned an error code. */
export class LibnngError extends Error {
  constructor(
    readonly call: string,
    readonly code: number,
    text: string,
  ) {
    super(`${call}: ${text} (${code})`);
    this.name = "LibnngError";
  }
}

export type LibnngRole = "req" | "rep" | "push" | "pull";
const cstr = (s: string) => Buffer.from(`${s}\0`);

/**
 * One libnng socket. Every call blocks the calling thread, so use it only in a process of its
 * own (test/support/libnng-peer.ts), never next to our TypeScript sockets.
 */
export class LibnngSocket {
  private readonly nng: ReturnType<typeof bind>;
  private readonly id: number;

  constructor(role: LibnngRole, path = libnngPath()) {
    if (!path) throw new Error("libnng1 is not installed");
    this.nng = bind(path);
    const out = new Uint32Array(1);
    this.check(`nng_${role}0_open`, this.nng[`nng_${role}0_open`](ptr(out)));
    this.id = out[0] ?? 0;
  }

  listen(url: string): void {
    this.check("nng_listen", this.nng.nng_listen(this.id, cstr(url), null, 0));
  }

  /** A blocking dial (flags 0), as eKuiper and its SDKs use. */
  dial(url: string): void {
    this.check("nng_dial", this.nng.nng_dial(this.id, cstr(url), null, 0));
  }

  /** Sets a duration option such as "recv-timeout", "send-timeout", "req:resend-time". */
  setMs(name: string, ms: number): void {
    this.check(`set ${name}`, this.nng.nng_socket_set_ms(this.id, cstr(name), ms));
  }

  /** Sets a size option such as "recv-size-max". */
  setSize(name: string, size: number): void {
    this.check(`set ${name}`, this.nng.nng_socket_set_size(this.id, cstr(name), size));
  }

  send(body: Uint8Array): void {
    // nng_send copies the bytes (no NNG_FLAG_ALLOC); an empty body still needs a valid pointer.
    const data = body.length > 0 ? body : new Uint8Array(1);
    this.check("nng_send", this.nng.nng_send(this.id, data, body.length, 0));
  }

  recv(): Uint8Array {
    const bufOut = new BigUint64Array(1);
    const sizeOut = new BigUint64Array(1);
    this.check("nng_recv", this.nng.nng_recv(this.id, ptr(bufOut), ptr(sizeOut), FLAG_ALLOC));
    const address = Number(bufOut[0] ?? 0n);
    const size = Number(sizeOut[0] ?? 0n);
    const body =
      size > 0 ? new Uint8Array(toArrayBuffer(address, 0, size)).slice() : new Uint8Array();
    this.nng.nng_free(address, size);
    return body;
  }

  close(): void {
    this.nng.nng_close(this.id);
  }

  private check(call: string, rv: number): void {
    if (rv !== 0) throw new LibnngError(call, rv, String(this.nng.nng_strerror(rv)));
  }
}
