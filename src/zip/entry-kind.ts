// What a zip entry is (file, folder, link, device…) and its mode, from its external attributes.

/** What an entry is, from unix external attributes or, failing those, from its name. */
export type EntryKind =
  | "file"
  | "directory"
  | "symlink"
  | "char-device"
  | "block-device"
  | "fifo"
  | "socket"
  | "unknown";

/** Hosts whose external attributes carry a unix mode in their upper 16 bits: unix, macOS. */
const unixHosts = new Set([3, 19]);
const fileTypes = new Map<number, EntryKind>([
  [0o100000, "file"],
  [0o040000, "directory"],
  [0o120000, "symlink"],
  [0o020000, "char-device"],
  [0o060000, "block-device"],
  [0o010000, "fifo"],
  [0o140000, "socket"],
]);

/**
 * The kind and unix mode (0o7777) of an entry made on `host` with `attributes`; entries not
 * made on unix have no mode and are folders or files by their attributes or name.
 */
export function kindAndMode(
  host: number,
  attributes: number,
  name: string,
): { kind: EntryKind; mode: number | undefined } {
  const unixMode = attributes >>> 16;
  const byName: EntryKind = name.endsWith("/") ? "directory" : "file";
  if (!unixHosts.has(host) || unixMode === 0) {
    // MS-DOS attributes: bit 4 marks a folder.
    return { kind: (attributes & 0x10) !== 0 ? "directory" : byName, mode: undefined };
  }
  const type = unixMode & 0o170000;
  const kind = type === 0 ? byName : (fileTypes.get(type) ?? "unknown");
  // A trailing slash wins over a regular-file type: tools disagree, and neither is a threat.
  return { kind: kind === "file" ? byName : kind, mode: unixMode & 0o7777 };
}
