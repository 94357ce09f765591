// The permission bits an extracted file gets from the mode its zip entry carries.

/**
 * The mode to give an extracted file. No mode (zips made on Windows): 0o644. Any execute
 * bit: 0o755, since plugins ship programs and nothing else needs group or world write.
 * Otherwise the entry's bits without world write, and always owner read and write, because
 * plugd itself must read, replace and remove what it installed. Setuid, setgid and sticky
 * bits are never kept: a plugin must not run as anyone but the user eKuiper runs as.
 */
export function fileModeFor(mode: number | undefined): number {
  if (mode === undefined) return 0o644;
  if ((mode & 0o111) !== 0) return 0o755;
  return (mode & 0o664) | 0o600;
}
