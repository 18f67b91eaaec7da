/**
 * What this replica learned from a failed `tryLead`: "subtree X is being built elsewhere, by the
 * session with backend pid P". Later requests for X here follow that build at once instead of
 * each taking a create permit and asking Postgres again (which, with the in-process build slot,
 * would make them queue behind one another). An entry is only a hint: a follower checks the holder
 * before trusting it and forgets it when the build is over. Bounded: the oldest entry goes first.
 */
export class RemoteBuilds {
  readonly #byHex = new Map<string, number>();
  readonly #max: number;

  constructor(max = 4096) {
    this.#max = max;
  }

  get size(): number {
    return this.#byHex.size;
  }

  /** Backend pid of the build of `hex` running elsewhere, if one is known. */
  get(hex: string): number | undefined {
    return this.#byHex.get(hex);
  }

  note(hex: string, pid: number): void {
    this.#byHex.delete(hex);
    this.#byHex.set(hex, pid);
    if (this.#byHex.size > this.#max) {
      const oldest = this.#byHex.keys().next().value as string;
      this.#byHex.delete(oldest);
    }
  }

  /** Forgets the entry only if it still names `pid` (a newer builder's entry is kept). */
  forget(hex: string, pid: number): void {
    if (this.#byHex.get(hex) === pid) this.#byHex.delete(hex);
  }
}
