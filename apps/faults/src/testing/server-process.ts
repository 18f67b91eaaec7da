// The asset server's own child-process starter, under the names the fault tests use. Imported by
// path: `@subtreekit/asset-server` (a devDependency here) exports no testing helpers, and the
// starter must live beside the server so every app and benchmark starts it the same way.
export {
  ASSET_SERVER_MAIN as MAIN,
  freePort,
  type ServerProcess,
  startServerProcess as startServer,
} from "../../../asset-server/src/testing/server-process.ts";
