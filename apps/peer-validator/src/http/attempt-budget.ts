import type { Session } from "../session.ts";

/**
 * Bytes a tx is budgeted at. Real txs average 250–500 bytes; a generous figure keeps an honest
 * peer of a large subtree inside its budget, while the stall timeout still ends a silent one.
 */
export const BUDGET_TX_BYTES = 1024;

/**
 * The per-attempt budget (headers and body, ms) of a request expected to carry `txs` txs: their
 * expected bytes at `http_min_body_rate`, never below the run's per-attempt timeout. One deadline
 * for every size cut off a 262 MB subtree from a slow but honest peer (issue 20).
 */
export function attemptBudgetMs(s: Session, txs: number): number {
  const ms = Math.ceil(((txs * BUDGET_TX_BYTES) / s.settings.http_min_body_rate) * 1000);
  return Math.max(s.timeoutMs, ms);
}
