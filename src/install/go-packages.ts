// The package hashes a Go plugin (or the program that loads it) carries, from its ELF .dynsym.
//
// Go's plugin loader refuses a plugin when a package both it and the host contain was built
// differently; both sides export, as dynamic symbols, `go.link.pkghashbytes.<package>` whose
// bytes are what the loader compares. Reading them tells, before eKuiper restarts, whether it
// would load the plugin.
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

const prefix = "go.link.pkghashbytes.";
const SHT_DYNSYM = 11;
const SHT_NOBITS = 8;

interface Section {
  type: number;
  addr: bigint;
  offset: bigint;
  size: bigint;
  link: number;
  entsize: bigint;
}

/** The largest symbol or string table read (eKuiper's own is a few MiB). */
const maxTableBytes = 64n * 1024n * 1024n;
/** A package hash is a few dozen bytes; a symbol claiming more is not one. */
const maxHashBytes = 256;

/**
 * Positional reads of one open file, never past its end: the sizes come from the file's own
 * headers, which a hostile plugin may make up, so a read is cut to what the file holds.
 */
class FileReader {
  readonly #fd: number;
  readonly #size: number;

  constructor(path: string) {
    this.#fd = openSync(path, "r");
    this.#size = fstatSync(this.#fd).size;
  }

  read(offset: bigint | number, length: number): Uint8Array {
    const at = Number(offset);
    const wanted = Math.max(0, Math.min(length, this.#size - at));
    if (!Number.isSafeInteger(at) || at < 0 || wanted === 0) return new Uint8Array();
    const bytes = new Uint8Array(wanted);
    const got = readSync(this.#fd, bytes, 0, wanted, at);
    return got === wanted ? bytes : bytes.subarray(0, got);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/**
 * The package → hash bytes table of an ELF file, or undefined when it is not a 64-bit ELF
 * file with a dynamic symbol table (not a Go plugin or a Go program that loads plugins).
 */
export function goPackageHashes(path: string): Map<string, string> | undefined {
  const file = new FileReader(path);
  try {
    const header = file.read(0, 64);
    if (header.length < 64 || header[0] !== 0x7f || header[1] !== 0x45 || header[4] !== 2) {
      return undefined;
    }
    const little = header[5] !== 2;
    const view = new DataView(header.buffer);
    const shoff = view.getBigUint64(0x28, little);
    const shentsize = view.getUint16(0x3a, little);
    const shnum = view.getUint16(0x3c, little);
    const sections = readSections(file, shoff, shentsize, shnum, little);
    const dynsym = sections.find((s) => s.type === SHT_DYNSYM);
    const strtab = dynsym && sections[dynsym.link];
    if (!dynsym || !strtab) return undefined;
    return hashesIn(file, sections, dynsym, strtab, little);
  } finally {
    file.close();
  }
}

function readSections(
  file: FileReader,
  shoff: bigint,
  entsize: number,
  count: number,
  little: boolean,
): Section[] {
  // An ELF64 section header is 64 bytes; anything smaller is not one.
  if (entsize < 64) return [];
  const table = file.read(shoff, entsize * count);
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const sections: Section[] = [];
  for (let i = 0; i < count && (i + 1) * entsize <= table.length; i++) {
    const at = i * entsize;
    sections.push({
      type: view.getUint32(at + 4, little),
      addr: view.getBigUint64(at + 0x10, little),
      offset: view.getBigUint64(at + 0x18, little),
      size: view.getBigUint64(at + 0x20, little),
      link: view.getUint32(at + 0x28, little),
      entsize: view.getBigUint64(at + 0x38, little),
    });
  }
  return sections;
}

function hashesIn(
  file: FileReader,
  sections: Section[],
  dynsym: Section,
  strtab: Section,
  little: boolean,
): Map<string, string> {
  // Reads are cut to the file; a table claiming more than this is not one worth reading.
  if (strtab.size > maxTableBytes || dynsym.size > maxTableBytes) return new Map();
  const names = file.read(strtab.offset, Number(strtab.size));
  const symbols = file.read(dynsym.offset, Number(dynsym.size));
  const view = new DataView(symbols.buffer, symbols.byteOffset, symbols.byteLength);
  // An ELF64 symbol is 24 bytes; a table claiming smaller entries is not one.
  const entsize = Number(dynsym.entsize) || 24;
  if (entsize < 24) return new Map();
  const decoder = new TextDecoder();
  const out = new Map<string, string>();
  for (let at = 0; at + entsize <= symbols.length; at += entsize) {
    const nameAt = view.getUint32(at, little);
    const end = names.indexOf(0, nameAt);
    const name = decoder.decode(names.subarray(nameAt, end < 0 ? undefined : end));
    if (!name.startsWith(prefix)) continue;
    const value = view.getBigUint64(at + 8, little);
    const size = Number(view.getBigUint64(at + 16, little));
    if (size === 0 || size > maxHashBytes) continue;
    const home = sections.find(
      (s) =>
        s.type !== SHT_NOBITS &&
        s.addr !== 0n &&
        value >= s.addr &&
        value + BigInt(size) <= s.addr + s.size,
    );
    if (!home) continue;
    const bytes = file.read(home.offset + (value - home.addr), size);
    out.set(name.slice(prefix.length), Buffer.from(bytes).toString("hex"));
  }
  return out;
}

/** The table of the eKuiper binary, read once and again when the file changes. */
const cached = new Map<string, { stamp: string; table: Map<string, string> | undefined }>();

export function binaryHashes(path: string): Map<string, string> | undefined {
  const stat = statSync(path);
  const stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  const known = cached.get(path);
  if (known?.stamp === stamp) return known.table;
  const table = goPackageHashes(path);
  cached.set(path, { stamp, table });
  return table;
}

/** The packages both sides contain but built differently, sorted. */
export function mismatchedPackages(
  plugin: Map<string, string>,
  host: Map<string, string>,
): string[] {
  return [...plugin]
    .filter(([pkg, hash]) => host.has(pkg) && host.get(pkg) !== hash)
    .map(([pkg]) => pkg)
    .sort();
}
