/**
 * Event-loop turns, counted. Every request handled in one turn was read from its socket in that
 * turn's poll, before any of the turn's handlers ran: a fact a handler checked (a file absent)
 * was true at the arrival of every request of the same turn, and is checked again in the next.
 */
export class LoopTurn {
  #n = 0;
  #armed = false;
  readonly #next = () => {
    this.#n++;
    this.#armed = false;
  };

  /** This turn's number; it changes when the loop next runs its immediates (before it polls again). */
  current(): number {
    if (!this.#armed) {
      this.#armed = true;
      setImmediate(this.#next);
    }
    return this.#n;
  }
}
