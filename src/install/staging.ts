// A private scratch folder per change: the download, the staged tree, the work folder, backups.
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Paths inside one change's staging folder, all on the home's file system so renames work. */
export interface Staging {
  readonly dir: string;
  /** The zip as downloaded. */
  readonly zipFile: string;
  /** Files laid out as they will stand under the home folder. */
  readonly tree: string;
  /** The private working folder where install.sh runs. */
  readonly work: string;
  /** Where replaced or deleted files wait until the change is committed. */
  readonly backup: string;
  /** Removes the whole folder; never throws. */
  remove(): void;
}

/** Creates a fresh staging folder under `stagingRoot` (data/staging). */
export function createStaging(stagingRoot: string, label: string): Staging {
  const dir = mkdtempSync(join(stagingRoot, `${label}-`));
  return {
    dir,
    zipFile: join(dir, "download.zip"),
    tree: join(dir, "tree"),
    work: join(dir, "work"),
    backup: join(dir, "backup"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
