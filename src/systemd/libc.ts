// libc's socket(2), sendto(2) and close(2) through bun:ffi: Bun has no unix datagram sockets.
import { dlopen, FFIType, read } from "bun:ffi";
import { describeError, InternalError } from "../errors.ts";
import { AF_UNIX } from "./notify-address.ts";

const SOCK_DGRAM = 2;
/** Not inherited by plugin processes and install scripts. */
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;

const symbols = {
  socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  sendto: {
    args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32],
    returns: FFIType.i64_fast,
  },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
} as const;

type Libc = ReturnType<typeof dlopen<typeof symbols>>["symbols"];

let libc: Libc | undefined;

/**
 * glibc's soname; musl's own loader answers to it too, and Alpine also has the name below.
 * Opened on first use only, so a plugd that is not under systemd never loads it.
 */
function openLibc(): Libc {
  if (libc) return libc;
  const musl = `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`;
  const failures: string[] = [];
  for (const name of ["libc.so.6", musl]) {
    try {
      libc = dlopen(name, symbols).symbols;
      return libc;
    } catch (err) {
      failures.push(`${name}: ${describeError(err)}`);
    }
  }
  throw new InternalError(`cannot load the C library for sd_notify (${failures.join("; ")})`);
}

function errno(c: Libc): number {
  const where = c.__errno_location();
  return where === null ? 0 : read.i32(where, 0);
}

/** A unix datagram socket that sends to one address. */
export interface DatagramSender {
  /** Sends one datagram. Throws InternalError with the errno when the kernel refuses it. */
  send(data: Uint8Array): void;
  close(): void;
}

/**
 * Opens an unbound unix datagram socket that sends to `address` (sockaddr_un bytes).
 * @throws InternalError when libc cannot be loaded or the socket cannot be made.
 */
export function openDatagramSender(address: Uint8Array): DatagramSender {
  const c = openLibc();
  const fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new InternalError(`socket(AF_UNIX, SOCK_DGRAM) failed with errno ${errno(c)}`);
  let open = true;
  return {
    send(data) {
      if (!open) throw new InternalError("the notify socket is closed");
      const sent = c.sendto(fd, data, data.length, MSG_NOSIGNAL, address, address.length);
      if (sent < 0) throw new InternalError(`sendto($NOTIFY_SOCKET) failed with errno ${errno(c)}`);
    },
    close() {
      if (open) c.close(fd);
      open = false;
    },
  };
}
