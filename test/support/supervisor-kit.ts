// fakeSupervisor(): a supervisor of a fake "mirror" process on a virtual clock, for unit tests.
import { silentLogger } from "../../src/log/logger.ts";
import { createSupervisor } from "../../src/supervisor/supervisor.ts";
import type { SupervisorOptions, SupervisorStatus } from "../../src/supervisor/supervisor-api.ts";
import { FakeSpawner } from "./fake-spawn.ts";
import { VirtualClock } from "./virtual-clock.ts";
import { waitFor } from "./wait.ts";

/** The virtual clock's start: 2025-01-01T00:00:00.000Z. */
export const t0 = Date.UTC(2025, 0, 1);

/** The spawn request every fake supervisor makes unless `options` says otherwise. */
const mirrorRequest = {
  command: ["./mirror", "--flag"],
  cwd: "/plugins/portable/mirror",
  env: { LANG: "C" },
};

/** A supervisor named "mirror" spawning fakes on a virtual clock; `reaches` waits for a status. */
export function fakeSupervisor(options: Partial<SupervisorOptions> = {}) {
  const clock = new VirtualClock(t0);
  const spawner = new FakeSpawner();
  const supervisor = createSupervisor({
    name: "mirror",
    ...mirrorRequest,
    logger: silentLogger,
    clock,
    spawn: spawner.spawn,
    ...options,
  });
  const reaches = (status: SupervisorStatus) =>
    waitFor(() => supervisor.status().status === status, `status ${status}`);
  return { clock, spawner, supervisor, reaches };
}

/** The whole status() of a supervisor with no process: pid 0 and no start time. */
export function withoutProcess(status: SupervisorStatus, errMsg = "", restarts = 0) {
  return { status, errMsg, pid: 0, restarts, startedAt: null };
}
