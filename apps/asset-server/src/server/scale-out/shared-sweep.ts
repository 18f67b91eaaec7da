/**
 * Age above which a temp file in a blob directory shared by replicas is taken for a crash's
 * leftover at start-up. A live build rewrites its temp file at every 1 MiB flush; one stalled by a
 * client that stops reading is cut by `idleTimeout` (≤ 255 s). So 15 minutes never removes a live
 * build, while a sweep with no age (right for one process) would delete the other replicas' builds
 * under them.
 */
export const SHARED_SWEEP_AGE_MS = 15 * 60_000;
