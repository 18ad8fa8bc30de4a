import { join, resolve } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
/** Local state of the embedded mode (git-ignored): the database files and the session secret. */
export const DATA_DIR = process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : join(ROOT, "data");
export const PGLITE_DIR = join(DATA_DIR, "pglite");
export const SECRET_FILE = join(DATA_DIR, "session-secret");
/** Written while `npm start` serves the embedded database, so other commands can reach it. */
export const EMBEDDED_INFO_FILE = join(DATA_DIR, "embedded-postgres.json");
/** Written while `npm start` serves the app, so `npm run tap` can print the address it serves. */
export const SERVER_INFO_FILE = join(DATA_DIR, "running-server.json");
