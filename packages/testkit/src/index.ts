export { NODE_REFUSALS } from "./node-refusals.ts";
export { packPackage, run } from "./pack.ts";
export { IS_CI, REPO_ROOT, requireVectors, vectorPath, vectorsDir } from "./paths.ts";
export { postgresUrl, requirePostgres } from "./postgres.ts";
export { mulberry32 } from "./random.ts";
export { importSecondCopy } from "./second-copy.ts";
