// Replay protection for signed desired states: one issued before the newest accepted is refused.
import type { AcceptedIssue } from "../../store/fleet-repo.ts";

/**
 * Why a signed desired state (its `issued` time and document `sha256`) must be refused, given
 * `last`, the newest one this gateway accepted; undefined when it may be accepted: it carries
 * an issue time later than the last accepted's, or the same time for the same document (the
 * same retained state delivered again at a reconnect). Pure.
 */
export function replayRefusal(
  issued: string | undefined,
  sha256: string,
  last: AcceptedIssue | undefined,
): string | undefined {
  if (issued === undefined) {
    return (
      "refused: the signed desired state has no issue time (issued), so a replay could not be " +
      "told apart; publish it with plugd fleet publish --sign"
    );
  }
  if (!last) return undefined;
  const at = Date.parse(issued);
  const lastAt = Date.parse(last.issued);
  if (at > lastAt || (at === lastAt && sha256 === last.sha256)) return undefined;
  return (
    `refused as a replay: issued ${issued}, not after the desired state last accepted ` +
    `(sha256 ${last.sha256.slice(0, 12)}…, issued ${last.issued}); to go back to an older ` +
    "document, publish it again (plugd fleet publish --sign gives it a new issue time)"
  );
}
