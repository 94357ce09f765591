// `plugd fleet status --group G`: the retained statuses of a group's gateways, as a table.
import type { BrokerTarget } from "./fleet-broker.ts";
import { connectBroker } from "./fleet-broker.ts";

interface StatusRow {
  gatewayId?: string;
  online?: boolean;
  state?: string;
  groups?: string[];
  appliedSha256?: string;
  plugins?: string[];
  lastApply?: { error?: string } | null;
}

/** Time after the last retained status before the table is printed (the retained burst is over). */
const settleMs = 500;

/**
 * Subscribes to `<prefix>/gateways/+/status`, collects until no status came for `settleMs`
 * (at most 10 s), and prints one row per gateway of `group` (every gateway without one).
 * Returns 0.
 */
export async function runFleetStatus(
  target: BrokerTarget,
  group: string | undefined,
  print: (line: string) => void,
): Promise<number> {
  const client = await connectBroker(target);
  const rows = new Map<string, StatusRow>();
  let last = Date.now();
  client.on("message", (_topic, payload) => {
    last = Date.now();
    if (payload.length === 0) return;
    const row = JSON.parse(payload.toString()) as StatusRow;
    if (row.gatewayId !== undefined) rows.set(row.gatewayId, row);
  });
  const started = Date.now();
  await client.subscribeAsync(`${target.prefix}/gateways/+/status`, { qos: 1 });
  last = Math.max(last, Date.now());
  while (Date.now() - last < settleMs && Date.now() - started < 10_000) await Bun.sleep(50);
  await client.endAsync();
  const wanted = [...rows.values()].filter((r) => group === undefined || r.groups?.includes(group));
  printTable(
    wanted.sort((a, b) => String(a.gatewayId).localeCompare(String(b.gatewayId))),
    print,
  );
  return 0;
}

function printTable(rows: readonly StatusRow[], print: (line: string) => void): void {
  const cells = rows.map((r) => [
    r.gatewayId ?? "",
    r.online ? "yes" : "no",
    r.state ?? "",
    (r.appliedSha256 ?? "").slice(0, 12) || "-",
    String(r.plugins?.length ?? 0),
    r.lastApply?.error ?? "",
  ]);
  const header = ["GATEWAY", "ONLINE", "STATE", "SHA256", "PLUGINS", "ERROR"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  for (const line of [header, ...cells]) {
    print(
      line
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  }
}
