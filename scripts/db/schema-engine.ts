// Prisma's schema engine, run as WebAssembly instead of the native binary.
//
// Every migrate command of the Prisma CLI first downloads the native `schema-engine` from Prisma's
// binary host, which this project cannot rely on reaching. The same engine is published on npm as
// `@prisma/schema-engine-wasm` and talks to PostgreSQL through a driver adapter (@prisma/adapter-pg),
// so migrations keep Prisma's own SQL, folder layout and `_prisma_migrations` table.
// See /work/shared/notes/prisma-offline.md for what works (diffs between datamodels,
// applyMigrations, diagnoseMigrationHistory) and what does not (anything that introspects a live
// database through the adapter: schemaPush, createMigration, diff from a url).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";

export type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";

/** One Prisma schema file: `path` only labels it in the engine's error messages. */
export interface DatamodelFile {
  path: string;
  content: string;
}

export interface SchemaEngineHandle {
  /** The raw engine. Call it through `run` so adapter errors come back readable. */
  readonly engine: SchemaEngine;
  run<T>(operation: (engine: SchemaEngine) => Promise<T>): Promise<T>;
  /** Frees the engine and ends its connection pool; the process cannot exit before this. */
  close(): Promise<void>;
}

/** No tables or enums are managed outside Prisma (prisma.config.ts declares none). */
export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Opens the engine on a live PostgreSQL database (or the PGlite socket server).
 *
 * The pool holds a single connection: the PGlite socket server multiplexes every connection onto
 * one session, so interleaved transactions would deadlock there, and on any server one session
 * keeps Prisma's migration advisory lock and the migration it guards on the same connection.
 */
export async function openSchemaEngine(
  connectionString: string,
  datamodel: DatamodelFile,
  { onLog }: { onLog?: (line: string) => void } = {},
): Promise<SchemaEngineHandle> {
  const pool = new pg.Pool({ connectionString, max: 1 });
  // Query errors reach the engine; an idle connection the server drops would otherwise be an
  // unhandled 'error' event that kills the process.
  pool.on("error", () => {});
  try {
    return await start(wholeScripts(new PrismaPg(pool)), datamodel, onLog, () => pool.end());
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * The engine applies a migration with the adapter's executeScript, and @prisma/adapter-pg's
 * executeScript cuts the script at every ";", even inside a string literal, a comment or a
 * function body. Sending the whole script as one simple query lets PostgreSQL parse it instead, and
 * runs it as one implicit transaction, as the native engine does: a failed migration leaves nothing
 * half-applied. (executeRaw with no parameters is exactly that simple query, and maps its errors.)
 */
function wholeScripts(factory: PrismaPg): SqlMigrationAwareDriverAdapterFactory {
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    adapter.executeScript = async (script) => {
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}

export interface DatamodelDiff {
  /** The migration script; Prisma writes "-- This is an empty migration." when nothing changed. */
  sql: string;
  isEmpty: boolean;
}

/**
 * The SQL that turns the database of `from` (or an empty database, when null) into that of `to`,
 * computed from the two datamodels alone: no database is contacted.
 */
export async function diffDatamodels(
  from: DatamodelFile | null,
  to: DatamodelFile,
): Promise<DatamodelDiff> {
  const handle = await start(offlineAdapterFactory(), to, undefined, async () => {});
  try {
    const result = await handle.run((engine) =>
      engine.diff({
        from: from ? { tag: "schemaDatamodel", files: [from] } : { tag: "empty" },
        to: { tag: "schemaDatamodel", files: [to] },
        script: true,
        // With exitCode set the engine reports 2 for a non-empty diff: no parsing of the script.
        exitCode: true,
        filters: NO_FILTER,
      }),
    );
    return { sql: result.stdout ?? "", isEmpty: result.exitCode === 0 };
  } finally {
    await handle.close();
  }
}

async function start(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodel: DatamodelFile,
  onLog: ((line: string) => void) | undefined,
  release: () => Promise<void>,
): Promise<SchemaEngineHandle> {
  const { SchemaEngine } = await loadBindings();
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const run = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      throw explain(error, bound);
    }
  };
  openEngines += 1;
  let engine: SchemaEngine;
  try {
    engine = await run(() =>
      SchemaEngine.new(
        { datamodels: [[datamodel.path, datamodel.content]] },
        (line: string) => onLog?.(line),
        bound,
      ),
    );
  } catch (error) {
    engineClosed();
    throw error;
  }
  let open = true;
  return {
    engine,
    run: (operation) => run(() => operation(engine)),
    async close() {
      if (!open) return;
      open = false;
      engine.free();
      engineClosed();
      await release();
    },
  };
}

// The engine arms a 10 s timer around steps such as taking the migration advisory lock, and its glue
// imports setTimeout but never clearTimeout: each timer outlives the step and keeps Node running
// for ten more seconds. So timers are tracked here and cleared once no engine is open any more.
// (Unref'ing them instead could let Node exit in the middle of an engine call waiting on one.)
const pendingTimers = new Set<NodeJS.Timeout>();
let openEngines = 0;

function trackedSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    pendingTimers.delete(timer);
    callback();
  }, ms);
  pendingTimers.add(timer);
  return timer;
}

function engineClosed(): void {
  openEngines -= 1;
  if (openEngines > 0) return;
  for (const timer of pendingTimers) clearTimeout(timer);
  pendingTimers.clear();
}

/**
 * The engine reports a JavaScript exception thrown inside the adapter (a refused connection, say)
 * only as "External error id#N"; the exception itself waits in the adapter's error registry.
 */
function explain(error: unknown, bound: ErrorCapturingSqlMigrationAwareDriverAdapterFactory) {
  const id = error instanceof Error ? /External error id#(\d+)/.exec(error.message)?.[1] : undefined;
  if (id === undefined) return error;
  const original = bound.errorRegistry.consumeError(Number(id))?.error;
  return original instanceof Error ? original : new Error(String(original ?? error), { cause: error });
}

let loaded: Promise<typeof bindings> | undefined;

/**
 * The package is a wasm-bindgen "bundler" build whose entry `import`s the .wasm file, which Node
 * cannot do; so instantiate the module by hand against its JS glue. The glue keeps the instance in
 * a module-level variable, so this is done once per process and shared by every engine.
 */
function loadBindings(): Promise<typeof bindings> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(join(dirname(glue), "schema_engine_bg.wasm"));
    // The glue's import names carry a build hash (`__wbg_setTimeout_5d6a…`): match the prefix.
    const glueImports: WebAssembly.ModuleImports = { ...(bindings as unknown as WebAssembly.ModuleImports) };
    for (const name of Object.keys(glueImports)) {
      if (name.startsWith("__wbg_setTimeout_")) glueImports[name] = trackedSetTimeout;
    }
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glueImports });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return loaded;
}

// SchemaEngine.new connects at once and asks the server for its version before anything else, even
// when only datamodels will be compared. This adapter answers that one probe as a PostgreSQL 15
// server would and refuses everything else, so a diff can never quietly depend on a database.
const PROBE = /^SELECT EXISTS\(SELECT 1 FROM pg_namespace WHERE nspname = \$1\), version\(\)/;

function offlineAdapterFactory(): SqlMigrationAwareDriverAdapterFactory {
  const refuse = (what: string) =>
    Promise.reject(new Error(`diffDatamodels works without a database, but the engine asked to ${what}`));
  const adapter: SqlDriverAdapter = {
    provider: "postgres",
    adapterName: "security-info-offline",
    queryRaw: async (query) => {
      if (!PROBE.test(query.sql)) return refuse(`run: ${query.sql}`);
      return {
        columnNames: ["exists", "version", "numeric_version"],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, "PostgreSQL 15.0 (offline datamodel diff)", 150000]],
      };
    },
    executeRaw: (query) => refuse(`run: ${query.sql}`),
    executeScript: () => refuse("run a script"),
    startTransaction: () => refuse("open a transaction"),
    dispose: async () => {},
  };
  return {
    provider: "postgres",
    adapterName: "security-info-offline",
    connect: async () => adapter,
    connectToShadowDb: async () => adapter,
  };
}
