// Parsing of eKuiper-style durations ("500ms", "10s", "5m") and sizes ("256MiB") into numbers.

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const sizeUnits: Record<string, number> = {
  "": 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
};

/**
 * Milliseconds from a duration written as eKuiper writes them, or from a plain number of
 * milliseconds. Returns undefined when the text is not a duration.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const parts = value.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m|h)$/);
  if (!parts?.[1] || !parts[2]) return undefined;
  const unit = durationUnits[parts[2]];
  return unit === undefined ? undefined : Math.round(Number(parts[1]) * unit);
}

/** Bytes from a size written as bytes or with KiB/MiB/GiB (KB/MB/GB are powers of 1000). */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === "number")
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  const parts = value.trim().match(/^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/);
  if (!parts?.[1]) return undefined;
  const unit = sizeUnits[(parts[2] ?? "").toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(parts[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

/** A size as the config file writes it: `256 MiB`, `1 KiB`, or `1000 bytes` (never rounded). */
export function formatSize(bytes: number): string {
  const units: Array<[string, number]> = [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** A duration as eKuiper's config writes it: `1h`, `5m`, `10s`, `250ms` (never rounded). */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
