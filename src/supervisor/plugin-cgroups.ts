// PluginCgroups: where plugd may write a cgroup v2 subtree, one cgroup per plugin process in it.
//
// Why: a process group holds a plugin's helpers only until one calls setsid; a cgroup holds
// every descendant, and `cgroup.kill` ends them all at once. The subtree is plugd's own
// cgroup (systemd gives the service one with Delegate=yes), so leftover cgroups of an earlier
// plugd on the same home are found and ended at start.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeError, errnoCode } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import {
  cgroupPids,
  childCgroups,
  createCgroup,
  killCgroup,
  type PluginCgroup,
  wrapInCgroup,
} from "./cgroup.ts";

/** Optional per-process limits (`portable.memoryMax`, `portable.pidsMax`); unset is no limit. */
export interface CgroupLimits {
  readonly memoryMax?: number | undefined;
  readonly pidsMax?: number | undefined;
}

export interface OpenOptions {
  /** plugd's home: names the subtree, so two plugds in one cgroup keep apart. */
  readonly home: string;
  readonly logger: Logger;
  readonly limits?: CgroupLimits;
  /** The cgroup2 mount; default /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host. */
  readonly mount?: string;
}

/** Either the cgroups, or the reason plugd keeps to process groups. */
export type OpenedCgroups =
  | { readonly cgroups: PluginCgroups; readonly reason?: undefined }
  | { readonly cgroups?: undefined; readonly reason: string };

/** One cgroup per plugin process under `<plugd's cgroup>/plugd-plugins-<home hash>`. */
export class PluginCgroups {
  /** The subtree's directory. */
  readonly dir: string;
  readonly #limits: Limits;
  #made = 0;

  private constructor(dir: string, limits: Limits) {
    this.dir = dir;
    this.#limits = limits;
  }

  /**
   * Finds plugd's cgroup, makes the subtree, ends and removes the cgroups an earlier plugd
   * left there (logged), checks that a process can be moved in, and enables the limits' controllers
   * where it can (a warning says which limit is not applied). Never throws: anything that
   * fails is the reason returned.
   */
  static async open(options: OpenOptions): Promise<OpenedCgroups> {
    try {
      const found = await ownCgroup(options.mount);
      if ("reason" in found) return found;
      const own = found.dir;
      const hash = new Bun.CryptoHasher("sha256").update(options.home).digest("hex").slice(0, 12);
      const dir = join(own, `plugd-plugins-${hash}`);
      await mkdir(dir, { recursive: true });
      await endLeftovers(dir, options.logger);
      const refused = await probe(dir);
      if (refused !== undefined) {
        await rmdir(dir).catch(() => undefined);
        return { reason: refused };
      }
      const limits = await enableLimits(own, options.limits ?? {}, options.logger);
      // Made again by the first create(): a plugd that runs no plugin leaves no cgroup behind.
      await rmdir(dir);
      return { cgroups: new PluginCgroups(dir, limits) };
    } catch (error) {
      return { reason: `no cgroup could be made: ${describeError(error)}` };
    }
  }

  /** A new empty cgroup for one process of plugin `name`, limits written. Throws what mkdir throws. */
  create(name: string): PluginCgroup {
    if (!existsSync(this.dir)) {
      mkdirSync(this.dir, { recursive: true });
      const { controllers } = this.#limits;
      if (controllers !== "") writeFileSync(join(this.dir, "cgroup.subtree_control"), controllers);
    }
    this.#made += 1;
    return createCgroup(join(this.dir, `${name}-${this.#made}`), this.#limits.files);
  }

  /** Ends whatever is left in the subtree and removes it (at plugd's stop). */
  async close(): Promise<void> {
    await killCgroup(this.dir);
  }
}

/** plugd's own cgroup directory, or why there is none to use. */
async function ownCgroup(
  mount: string | undefined,
): Promise<{ readonly dir: string } | { readonly reason: string }> {
  const root = mount ?? ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"].find((dir) => isCgroup2(dir));
  if (root === undefined || !isCgroup2(root))
    return { reason: "no cgroup v2 hierarchy is mounted" };
  const line = (await readFile("/proc/self/cgroup", "utf8"))
    .split("\n")
    .find((entry) => entry.startsWith("0::"));
  if (line === undefined) return { reason: "/proc/self/cgroup names no cgroup v2 cgroup" };
  return { dir: join(root, line.slice(3)) };
}

function isCgroup2(dir: string): boolean {
  return existsSync(join(dir, "cgroup.controllers"));
}

async function endLeftovers(dir: string, logger: Logger): Promise<void> {
  for (const name of await childCgroups(dir)) {
    const cgroup = join(dir, name);
    const pids = (await cgroupPids(cgroup)) ?? [];
    await killCgroup(cgroup);
    logger.warn("ended a plugin cgroup left by an earlier run", { cgroup, pids });
  }
}

/** Undefined if a process can move itself into a cgroup under `dir`; else why not. */
async function probe(dir: string): Promise<string | undefined> {
  const cgroup = createCgroup(join(dir, "probe"), {});
  try {
    const proc = Bun.spawn(wrapInCgroup(cgroup.dir, ["true"]), { stderr: "pipe" });
    if ((await proc.exited) === 0) return undefined;
    return `a process cannot enter ${cgroup.dir}: ${(await proc.stderr.text()).trim()}`;
  } finally {
    await cgroup.kill();
  }
}

/** The controllers a plugin cgroup's parent enables ("+memory +pids") and the files to write. */
interface Limits {
  readonly controllers: string;
  readonly files: Readonly<Record<string, string>>;
}

const NO_LIMITS: Limits = { controllers: "", files: {} };

/**
 * memory.max and pids.max for each plugin cgroup, for the limits whose controller can be
 * enabled. cgroup v2 lets a cgroup hand controllers to its children only when it holds no
 * process itself, so plugd moves into a leaf `<own>/plugd` when its cgroup refuses (EBUSY).
 */
async function enableLimits(own: string, limits: CgroupLimits, logger: Logger): Promise<Limits> {
  const wanted = { memory: limits.memoryMax, pids: limits.pidsMax };
  const asked = Object.entries(wanted).filter(([, value]) => value !== undefined);
  if (asked.length === 0) return NO_LIMITS;
  const available = (await readFile(join(own, "cgroup.controllers"), "utf8")).trim().split(" ");
  const usable = asked.filter(([controller]) => available.includes(controller));
  for (const [controller] of asked.filter((entry) => !usable.includes(entry)))
    logger.warn(
      `no ${controller} controller in plugd's cgroup; portable.${controller}Max is not applied`,
      {
        cgroup: own,
      },
    );
  if (usable.length === 0) return NO_LIMITS;
  const controllers = usable.map(([controller]) => `+${controller}`).join(" ");
  try {
    await writeFile(join(own, "cgroup.subtree_control"), controllers).catch(
      async (error: unknown) => {
        if (errnoCode(error) !== "EBUSY") throw error;
        await mkdir(join(own, "plugd"), { recursive: true });
        await writeFile(join(own, "plugd", "cgroup.procs"), String(process.pid));
        await writeFile(join(own, "cgroup.subtree_control"), controllers);
      },
    );
  } catch (error) {
    logger.warn("could not enable the cgroup controllers; plugin limits are not applied", {
      cgroup: own,
      controllers,
      error,
    });
    return NO_LIMITS;
  }
  const files = Object.fromEntries(usable.map(([name, value]) => [`${name}.max`, String(value)]));
  return { controllers, files };
}
