import type { SubtreeDataBuild } from "./build.ts";

/**
 * Registry entry for a build, created synchronously when the create permit is won — before the
 * awaits that open the subtree and the temp file — so a request arriving in that gap follows
 * instead of taking (and failing) a second create permit. `ready` resolves to the build, or to
 * `undefined` when it could not start (the waiter then re-runs the decision, e.g. serves a file
 * that appeared meanwhile).
 */
export class BuildSlot {
  build: SubtreeDataBuild | undefined;
  readonly ready: Promise<SubtreeDataBuild | undefined>;
  #resolve!: (b: SubtreeDataBuild | undefined) => void;

  constructor() {
    this.ready = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  started(build: SubtreeDataBuild): void {
    this.build = build;
    this.#resolve(build);
  }

  failed(): void {
    this.#resolve(undefined);
  }
}
