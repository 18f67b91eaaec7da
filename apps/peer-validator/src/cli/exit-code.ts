import { PeersUnavailableError } from "../errors/peers-unavailable-error.ts";
import { UsageError } from "../errors/usage-error.ts";
import { VerificationError } from "../errors/verification-error.ts";

export const EXIT = { ok: 0, verification: 1, usage: 2, unavailable: 3, local: 4, interrupted: 130 } as const;

/**
 * 1 when the data itself was wrong (every peer that answered sent data that failed verification,
 * or a block's merkle root did not match), 3 when no peer could deliver (503s exhausted,
 * timeouts, errors), 2 for usage or configuration, 4 for a local failure (a store's disk or
 * database), 130 after SIGINT.
 */
export function exitCodeFor(err: unknown, interrupted: boolean): number {
  if (interrupted) return EXIT.interrupted;
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof VerificationError) return EXIT.verification;
  if (err instanceof PeersUnavailableError) {
    const badOnly =
      err.failures.length > 0 && err.failures.every((f) => f.kind === "bad-data" || f.kind === "skipped-bad");
    return badOnly ? EXIT.verification : EXIT.unavailable;
  }
  const name = (err as { name?: string })?.name;
  if (name === "SettingsError" || name === "StoreOpenError") return EXIT.usage;
  return EXIT.local;
}
