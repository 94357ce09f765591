// A SpawnFn that runs each process in a cgroup of its own and ends that cgroup whole.

import { InternalError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import type { PluginCgroups } from "./plugin-cgroups.ts";
import { bunSpawn, type SpawnFn, type SpawnRequest } from "./spawn.ts";

/**
 * Spawns through `spawn` (default bunSpawn: its own session and group too) inside a new cgroup
 * of `cgroups` named after plugin `name`. SIGKILL to the group also kills the cgroup, and
 * `release()` (after the child exited) waits until the cgroup is empty and removes it, so
 * helpers that called setsid go with the plugin. Failures to end it are logged to `logger`.
 * Throws as `spawn` does, and InternalError for a program that is not found (the shell would
 * otherwise start and fail with 127).
 */
export function cgroupSpawn(
  cgroups: PluginCgroups,
  name: string,
  logger: Logger,
  spawn: SpawnFn = bunSpawn,
): SpawnFn {
  return (request) => {
    checkProgram(request);
    const cgroup = cgroups.create(name);
    let ending: Promise<void> | undefined;
    const end = () => {
      ending ??= cgroup.kill().catch((error: unknown) => {
        logger.error("could not end the plugin's cgroup", { cgroup: cgroup.dir, error });
      });
      return ending;
    };
    try {
      const proc = spawn({ ...request, command: cgroup.wrap(request.command) });
      return {
        pid: proc.pid,
        stdout: proc.stdout,
        stderr: proc.stderr,
        exited: proc.exited,
        signalGroup: (signal) => {
          proc.signalGroup(signal);
          if (signal === "SIGKILL") void end();
        },
        release: async () => {
          await proc.release?.();
          await end();
        },
      };
    } catch (error) {
      void end();
      throw error;
    }
  };
}

/** Throws InternalError, as a plain spawn would, for an empty command or a missing program. */
function checkProgram(request: SpawnRequest): void {
  const program = request.command[0];
  if (program === undefined) throw new InternalError("cannot start a child: the command is empty");
  const options = { PATH: request.env.PATH ?? "", cwd: request.cwd };
  if (Bun.which(program, options) === null) {
    throw new InternalError(`Executable not found in $PATH: "${program}"`);
  }
}
