// Plugin zips built in code: native plugins by eKuiper's layout, with ELF headers when asked.
import { zipSync } from "fflate";

export type ZipFiles = Record<string, Uint8Array | string>;

/** A zip of `files` (text is UTF-8), deflated. */
export function makeZip(files: ZipFiles): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(files)) {
    entries[name] = typeof data === "string" ? new TextEncoder().encode(data) : data;
  }
  return zipSync(entries, { level: 6 });
}

/** The first bytes of an ELF shared object for `machine` (62 x86-64, 183 aarch64, 40 arm). */
export function elfHeader(machine: number): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  new DataView(bytes.buffer).setUint16(16, 3, true);
  new DataView(bytes.buffer).setUint16(18, machine, true);
  return bytes;
}

/** The ELF machine number of the CPU the tests run on. */
export function ownMachine(): number {
  return process.arch === "arm64" ? 183 : 62;
}

export interface NativeZipOptions {
  type: "sources" | "sinks" | "functions";
  name: string;
  /** The .so file name; default `Name@v1.0.0.so`. */
  so?: string;
  /** Content of the .so; default an ELF header for this machine. */
  soData?: Uint8Array | string;
  installSh?: string;
  /** More entries, or `null` to leave a default one out. */
  extra?: Record<string, Uint8Array | string | null>;
}

/** A native plugin zip as eKuiper documents it: `.so`, source yaml, metadata json, etc/. */
export function nativePluginZip(options: NativeZipOptions): Uint8Array {
  const { type, name } = options;
  const upper = name.charAt(0).toUpperCase() + name.slice(1);
  const files: Record<string, Uint8Array | string | null> = {
    [options.so ?? `${upper}@v1.0.0.so`]: options.soData ?? elfHeader(ownMachine()),
    [`${name}.json`]: JSON.stringify({ about: { trial: false } }),
  };
  if (type === "sources") files[`${name}.yaml`] = "default:\n  interval: 1000\n";
  if (options.installSh !== undefined) files["install.sh"] = options.installSh;
  Object.assign(files, options.extra ?? {});
  const kept: ZipFiles = {};
  for (const [entry, data] of Object.entries(files)) if (data !== null) kept[entry] = data;
  return makeZip(kept);
}
