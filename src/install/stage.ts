// Staging a plugin zip by its kind's rules: fetch, vet, plan, claim, check the room, inflate.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { badRequest, internal } from "../errors.ts";
import type { ExtractTarget, ZipArchive } from "../zip/zip-archive.ts";
import type { InstallContext } from "./context.ts";
import { checkSpace, namingFullDisk } from "./disk-space.ts";
import { fetchZip } from "./fetch-zip.ts";
import type { InstallRequest } from "./install-request.ts";
import { type Claim, checkClaim } from "./ownership.ts";
import type { InstallPlan, KindRules } from "./plugin-kind.ts";
import type { Staging } from "./staging.ts";

/** Inflates each entry straight to where the plan puts it, in the staged tree or the work folder. */
async function place(zip: ZipArchive, plan: InstallPlan, staging: Staging): Promise<void> {
  const byName = new Map(zip.entries.map((entry) => [entry.name, entry]));
  const targets = plan.placed.map((placed): ExtractTarget => {
    const entry = byName.get(placed.entry);
    if (entry === undefined) throw internal(`the plan places ${placed.entry}, not in the zip`);
    return { entry, path: join(placed.area === "home" ? staging.tree : staging.work, placed.path) };
  });
  mkdirSync(staging.work, { recursive: true });
  await zip.extractFiles(targets);
}

/** What a change of `name` takes: its files, symbols and functions (none known before its plan). */
export function claimOf(
  kind: KindRules,
  name: string,
  plan: InstallPlan | undefined,
  leaving?: ReadonlySet<string>,
): Claim {
  return {
    type: kind.type,
    name,
    sharesFilesWith: (other) => kind.sharesFiles(name, other),
    items: plan?.items ?? [],
    symbols: plan?.symbols ?? { sources: [], sinks: [] },
    functions: plan?.facts.registry ?? [],
    leaving,
  };
}

/**
 * Fetches and opens the zip (the archive is vetted as it opens), plans it by the kind's rules,
 * refuses what clashes, then inflates it and puts each entry where the plan says.
 */
export async function stage(
  ctx: InstallContext,
  kind: KindRules,
  request: InstallRequest,
  staging: Staging,
  leaving?: ReadonlySet<string>,
): Promise<{ plan: InstallPlan; sha256: string }> {
  const fetched = await fetchZip(ctx, staging, request.file, request.sha256);
  const { zip } = fetched;
  try {
    const plan = await kind.plan(zip, request, ctx.paths.root);
    if (request.shellParas.length > 0 && !plan.script) {
      throw badRequest("shellParas were given but the zip has no install.sh to pass them to");
    }
    checkClaim(ctx.store, claimOf(kind, request.name, plan, leaving));
    const home = ctx.paths.root;
    // A zip still downloading needs its room too, beside its inflated entries.
    const needed = zip.entries.reduce((sum, entry) => sum + entry.size, fetched.pendingBytes);
    checkSpace(home, staging.dir, needed);
    const { sha256 } = await namingFullDisk(home, staging.dir, needed, async () => {
      await place(zip, plan, staging);
      // A zip read while it downloaded is only known whole and unaltered once the download ends.
      return await fetched.complete();
    });
    kind.check(ctx, staging, plan, request.name);
    return { plan, sha256 };
  } finally {
    await fetched.close();
  }
}
