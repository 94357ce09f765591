// PortablePlugin against a plugin built on the real libnng, the C library eKuiper's peers speak.

import { describe, expect, test } from "bun:test";
import { libnngPath } from "../../test/support/libnng.ts";
import { fixtureHarness } from "../../test/support/portable-plugins/plugin-harness.ts";
import { waitFor } from "../../test/support/wait.ts";

/** Real processes start slowly on a loaded machine; bunfig's test timeout is not applied. */
const SLOW = { timeout: 20_000 };

const missing = libnngPath() === undefined;
if (missing)
  console.warn(
    "skipping the libnng plugin tests: libnng1 is not installed (apt-get install -y libnng1)",
  );

describe.skipIf(missing)("PortablePlugin with a libnng plugin", () => {
  test(
    "a libnng plugin shakes hands, starts its function and echoes Exec",
    async () => {
      await using h = await fixtureHarness({ kind: "libnng" });
      await h.plugin.start();
      expect(h.plugin.status().status).toBe("running");
      expect(await h.plugin.callFunction(h.fn, "Exec", ["from libnng"])).toEqual({
        state: true,
        result: "from libnng",
      });
      expect(await h.plugin.callFunction(h.fn, "Exec", [{ n: 1 }])).toEqual({
        state: true,
        result: { n: 1 },
      });
    },
    SLOW,
  );

  test(
    "a killed libnng plugin is restarted and its function start replayed",
    async () => {
      await using h = await fixtureHarness({ kind: "libnng" });
      await h.plugin.start();
      await h.plugin.callFunction(h.fn, "Exec", ["before"]);
      process.kill(h.plugin.status().pid, "SIGKILL");
      await waitFor(
        () => h.plugin.status().restarts === 1 && h.plugin.status().status === "running",
        "a restart",
      );
      expect(await h.plugin.callFunction(h.fn, "Exec", ["after"])).toEqual({
        state: true,
        result: "after",
      });
    },
    SLOW,
  );
});
