import { SubtreeStreamError } from "../errors.ts";

/**
 * Defensive assertion kept from the reference (#896): more fetched-but-unwritten chunks than the
 * cap. The windowed scheduler makes this impossible; seeing it means a scheduler bug, and failing
 * the build is better than growing memory without bound.
 */
export class PendingCapExceededError extends SubtreeStreamError {
  override name = "PendingCapExceededError" as const;
  declare readonly code: "PENDING_CAP_EXCEEDED";
  readonly pending: number;
  readonly cap: number;
  constructor(pending: number, cap: number) {
    super("PENDING_CAP_EXCEEDED", `pending chunk buffer exceeded cap: ${pending} > ${cap}`);
    this.pending = pending;
    this.cap = cap;
  }
}
