export type { Permit } from "./permit.ts";
export { type AcquireOptions, Semaphore } from "./semaphore.ts";
export { isSemaphoreError, SemaphoreError, type SemaphoreErrorCode } from "./semaphore-error.ts";
export { SemaphoreTimeoutError } from "./timeout-error.ts";
export { SemaphoreWeightError } from "./weight-error.ts";
