// The peer server: Better Auth (auth.mjs) behind node:http, one process, as Better Auth's Node
// integration documents it. `GET /api/auth/ok` is Better Auth's own health endpoint: the benchmark
// waits for it and times it as the peer's trivial GET. With DB_STATEMENT_STATS_FILE, the SQL it
// sends is counted there (statement-stats.mjs).
import { createServer } from "node:http";
import { toNodeHandler } from "better-auth/node";
import { createAuth, createPool, port } from "./auth.mjs";
import { countStatements } from "./statement-stats.mjs";

const pool = createPool();
if (process.env.DB_STATEMENT_STATS_FILE) countStatements(pool, process.env.DB_STATEMENT_STATS_FILE);
const server = createServer(toNodeHandler(createAuth(pool)));

server.listen(port, () => console.log(`Better Auth peer listening on port ${port} (${process.env.NODE_ENV ?? "development"})`));

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // Finish the requests in flight, then close the pool and exit as a signalled process would.
    server.close(() => pool.end().finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : 15))));
    server.closeIdleConnections();
  });
}
