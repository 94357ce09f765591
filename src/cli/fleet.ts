// `plugd fleet publish|status|keygen`: the operator's side of the MQTT fleet.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeError } from "../errors.ts";
import { generateKeyPair } from "../fleet/agent/signature.ts";
import { brokerTarget } from "./fleet-broker.ts";
import { runFleetPublish } from "./fleet-publish.ts";
import { runFleetStatus } from "./fleet-status.ts";
import type { Values } from "./options.ts";

/**
 * Runs `plugd fleet <sub> …` and returns the exit status: 0 done, 1 refused or failed (the
 * reason printed on stderr), 2 for a usage error.
 */
export async function runFleet(
  args: readonly string[],
  values: Values,
  usage: string,
): Promise<number> {
  const [sub, arg] = args;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const fail = (message: string, code: number) => {
    process.stderr.write(`${message}\n`);
    return code;
  };
  try {
    if (sub === "keygen") {
      if (arg === undefined) return fail(`fleet keygen needs the DIR\n${usage}`, 2);
      return await keygen(arg, print);
    }
    const target = brokerTarget({
      broker: values.broker,
      home: values.home,
      config: values.config,
    });
    if (sub === "status") return await runFleetStatus(target, values.group, print);
    if (sub === "publish" || sub === "clear") {
      if (sub === "publish" && arg === undefined)
        return fail(`fleet publish needs the FILE\n${usage}`, 2);
      const file = sub === "clear" ? undefined : arg;
      const { group, gateway, sign, rollout } = values;
      return await runFleetPublish(target, { file, group, gateway, sign, rollout, print });
    }
    return fail(`unknown fleet command ${sub ?? "(none)"}\n${usage}`, 2);
  } catch (err) {
    return fail(`plugd fleet ${sub}: ${describeError(err)}`, 1);
  }
}

/** Writes DIR/fleet.key (mode 0600) and DIR/fleet.pub, and prints how to use them. */
async function keygen(dir: string, print: (line: string) => void): Promise<number> {
  const { privatePem, publicPem } = await generateKeyPair();
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, "fleet.key");
  writeFileSync(keyFile, privatePem, { mode: 0o600, flag: "wx" });
  chmodSync(keyFile, 0o600);
  writeFileSync(join(dir, "fleet.pub"), publicPem, { flag: "wx" });
  print(`private key: ${keyFile} (sign with: plugd fleet publish FILE --sign ${keyFile} …)`);
  print(`public key:  ${join(dir, "fleet.pub")} (on each gateway: fleet.publicKey: <this file>)`);
  return 0;
}
