// `serve` for tests whose builds must still be running when the server is killed: `serve` with every
// tx store batch delayed by SUBTREEKIT_TEST_TX_DELAY_MS (a fake delay, for failure injection).
// Builds run at the tx store's pace, not the clients', so slowing the store is what keeps a build
// in progress.
import { run } from "../cli/serve.ts";
import { slowTxStore } from "./slow-tx-store.ts";

const delayMs = Number(process.env.SUBTREEKIT_TEST_TX_DELAY_MS ?? "0");
process.exit(await run([], { wrapTxStore: slowTxStore(delayMs) }));
