// $NOTIFY_SOCKET as the sockaddr_un bytes that sendto(2) takes: a path or a Linux abstract name.

import { ConfigError } from "../config/load.ts";

/** AF_UNIX, the sa_family_t at the start of every unix socket address. */
export const AF_UNIX = 1;
/** sizeof(sun_path) on Linux. */
const SUN_PATH_SIZE = 108;

/**
 * The socket address named by `value`: "/run/systemd/notify" (a file system path, stored with its
 * terminating NUL) or "@name" (the abstract namespace: a leading NUL, then the name, unterminated,
 * as sd_notify(3) sends it). Throws ConfigError for anything else (systemd 253's "vsock:" addresses among
 * them) and for names longer than sun_path.
 */
export function notifyAddress(value: string): Uint8Array {
  const abstract = value.startsWith("@");
  if (!abstract && !value.startsWith("/")) {
    throw new ConfigError(
      `NOTIFY_SOCKET=${value} is neither an absolute path nor an abstract @name`,
    );
  }
  const name = new TextEncoder().encode(abstract ? value.slice(1) : value);
  // Abstract: NUL + name. Path: name + NUL.
  const pathBytes = name.length + 1;
  if (pathBytes > SUN_PATH_SIZE) {
    throw new ConfigError(`NOTIFY_SOCKET=${value} is longer than a unix socket address can be`);
  }
  const address = new Uint8Array(2 + pathBytes);
  // sa_family_t is in host order; every target plugd is built for is little-endian.
  new DataView(address.buffer).setUint16(0, AF_UNIX, true);
  address.set(name, abstract ? 3 : 2);
  return address;
}
