import { existsSync } from "node:fs";
import type { ServerContext } from "../context.ts";
import type { BlobType } from "../ports.ts";
import type { AssetSettings } from "../settings.ts";
import type { Target } from "./admit.ts";

/**
 * The stored forms of a subtree this server answers from, in order of preference: the validated
 * `subtree`, and `subtreeToCheck` (not yet validated) only with `asset_serve_unvalidated_subtrees`.
 * Serving unvalidated subtrees turns the server into a read-back channel for bytes an attacker
 * chose (Teranode PR 1745), so it is off by default.
 */
export function servedSubtreeTypes(s: Pick<AssetSettings, "asset_serve_unvalidated_subtrees">): readonly BlobType[] {
  return s.asset_serve_unvalidated_subtrees ? BOTH : VALIDATED;
}

const VALIDATED: readonly BlobType[] = ["subtree"];
const BOTH: readonly BlobType[] = ["subtree", "subtreeToCheck"];

/** Which stored form of the subtree exists: `subtree`, else `subtreeToCheck`, whatever the setting. */
export function subtreeOf(dataPath: string): BlobType | undefined {
  // Teranode's layout: sibling types share the path up to the extension.
  const base = dataPath.slice(0, -".subtreeData".length);
  if (existsSync(`${base}.subtree`)) return "subtree";
  if (existsSync(`${base}.subtreeToCheck`)) return "subtreeToCheck";
  return undefined;
}

/**
 * The stored form a build of `t` may read, or undefined (404). Kept on the target once found;
 * an unvalidated form refused by the setting is not kept, so the subtree is served as soon as
 * validation stores it.
 */
export function usableSubtree(ctx: ServerContext, t: Target): BlobType | undefined {
  if (t.subtree) return t.subtree;
  const type = subtreeOf(t.dataPath);
  if (type === "subtreeToCheck" && !ctx.settings.asset_serve_unvalidated_subtrees) return undefined;
  t.subtree = type;
  return type;
}

/**
 * True when the setting is off and the subtree is stored only as `subtreeToCheck`: then even an
 * existing subtree_data file is not served (a node mid-catch-up stores both before validating).
 * A subtree_data file with no subtree at all (imported alone) is still served.
 */
export function unvalidatedOnly(ctx: ServerContext, t: Target): boolean {
  if (ctx.settings.asset_serve_unvalidated_subtrees || t.subtree === "subtree") return false;
  const type = subtreeOf(t.dataPath);
  if (type === "subtree") t.subtree = type;
  return type === "subtreeToCheck";
}
