/**
 * In-process "something changed" broadcast: `wait()` returns a promise that resolves at the next
 * `notify()`. Followers wait on it instead of polling the file, so an idle follower costs nothing.
 */
export class ChangeNotifier {
  #resolve: () => void = () => {};
  #promise: Promise<void> = this.#next();

  #next(): Promise<void> {
    return new Promise<void>((r) => {
      this.#resolve = r;
    });
  }

  /** Resolves at the next notify(); callers re-check their condition afterwards. */
  wait(): Promise<void> {
    return this.#promise;
  }

  notify(): void {
    const resolve = this.#resolve;
    this.#promise = this.#next();
    resolve();
  }
}
