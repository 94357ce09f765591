// A stand-in for systemd's notify socket: binds a unix datagram socket, prints each datagram as JSON.
// Usage: bun notify-receiver-fixture.ts <NOTIFY_SOCKET value>. Runs until killed.
import { dlopen, FFIType } from "bun:ffi";
import { notifyAddress } from "../../src/systemd/notify-address.ts";

const { symbols: c } = dlopen("libc.so.6", {
  socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  bind: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  recv: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i64_fast },
});

const target = process.argv[2] ?? "";
const address = notifyAddress(target);
const fd = c.socket(1, 2, 0);
if (fd < 0 || c.bind(fd, address, address.length) !== 0) {
  process.stderr.write(`cannot bind ${target}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ bound: target })}\n`);
const buffer = new Uint8Array(4096);
for (;;) {
  // Blocking is fine: this process does nothing else.
  const size = Number(c.recv(fd, buffer, buffer.length, 0));
  if (size < 0) process.exit(2);
  const message = new TextDecoder().decode(buffer.subarray(0, size));
  process.stdout.write(`${JSON.stringify({ message })}\n`);
}
