// Test child: starts a SIGTERM-ignoring grandchild in the same process group, prints
// "grandchild <pid>", and exits with code 7 on SIGUSR2 (leaving the grandchild behind).

import { join } from "node:path";

const grandchild = Bun.spawn([process.execPath, join(import.meta.dir, "ignore-term-fixture.ts")], {
  stdin: "ignore",
  stdout: "inherit",
  stderr: "inherit",
});
process.on("SIGUSR2", () => process.exit(7));
console.log(`grandchild ${grandchild.pid}`);
setInterval(() => {}, 1 << 30);
