// Reads the CPU architecture of an ELF file's header, to refuse libraries built for another CPU.

/** ELF e_machine numbers of the CPUs plugd runs on, with Go's names for them. */
const machines: Record<number, string> = {
  3: "386",
  40: "arm",
  62: "amd64",
  183: "arm64",
  243: "riscv64",
  8: "mips",
  20: "ppc",
  21: "ppc64",
  22: "s390x",
};

const serverMachine: Record<string, number> = { x64: 62, arm64: 183, arm: 40, ia32: 3 };

/**
 * The architecture named by an ELF header, or undefined when `header` is not ELF (eKuiper
 * accepts such files, so plugd does too). Unknown machines are named by their number.
 */
export function elfArchitecture(header: Uint8Array): string | undefined {
  if (header.length < 20) return undefined;
  if (header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) {
    return undefined;
  }
  const littleEndian = header[5] !== 2;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const machine = view.getUint16(18, littleEndian);
  return machines[machine] ?? `machine ${machine}`;
}

/** Go's name for the CPU this process runs on ("amd64", "arm64", "arm"). */
export function serverArchitecture(arch: string = process.arch): string {
  const machine = serverMachine[arch];
  return machine === undefined ? arch : (machines[machine] ?? arch);
}
