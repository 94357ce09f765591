// plugd's version, and the commit and target stamped in by scripts/build.ts.
import pkg from "../package.json" with { type: "json" };

declare const PLUGD_COMMIT: string | undefined;
declare const PLUGD_TARGET: string | undefined;

export const version: string = pkg.version;
/** The git commit the binary was built from; "source" when run from a checkout. */
export const commit: string = typeof PLUGD_COMMIT === "string" ? PLUGD_COMMIT : "source";
/** The build target (bun-linux-arm64, …); the running platform when run from a checkout. */
export const target: string =
  typeof PLUGD_TARGET === "string" ? PLUGD_TARGET : `bun-${process.platform}-${process.arch}`;
