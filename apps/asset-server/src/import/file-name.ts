import { basename } from "node:path";
import { fromDisplayHex } from "@subtreekit/subtree-stream";

/** What a file's name says about it. */
export type NamedKind = "block" | "subtree" | "subtreeData" | "other";

export interface FileName {
  /** Hash (internal order) when the name starts with 64 hex characters, as Teranode names files. */
  hash: Uint8Array | undefined;
  /** Display hex of `hash`, lower case. */
  hex: string | undefined;
  kind: NamedKind;
  /** True for `.hex` files: the content is hex text. */
  hexText: boolean;
}

const HASH_NAME = /^([0-9a-fA-F]{64})(?:\.|$)/;

/**
 * Reads a vector/Teranode file name: `<hash>.block`, `<hash>.subtree` (or `.subtreeToCheck`),
 * `<hash>.subtree_data` / `.subtreeData`, anything else (`.bin`, `.hex`, `.bin.extended`, none).
 */
export function parseFileName(path: string): FileName {
  const name = basename(path);
  const m = HASH_NAME.exec(name);
  const hex = m?.[1]?.toLowerCase();
  const ext = name.slice(name.indexOf(".") + 1);
  const dot = name.includes(".");
  let kind: NamedKind = "other";
  if (dot && ext === "block") kind = "block";
  else if (dot && (ext === "subtree" || ext === "subtreeToCheck")) kind = "subtree";
  else if (dot && (ext === "subtree_data" || ext === "subtreeData")) kind = "subtreeData";
  return { hash: hex ? fromDisplayHex(hex) : undefined, hex, kind, hexText: name.endsWith(".hex") };
}
