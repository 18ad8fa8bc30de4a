import type { TestProject } from "vitest/node";
import { createTestDatabase, dropTestDatabase } from "../../scripts/test/databases";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One fresh, migrated PostgreSQL database for this run of the integration suite. */
export default async function setup(project: TestProject) {
  const db = await createTestDatabase("si_it");
  project.provide("databaseUrl", db.url);
  return async () => {
    await dropTestDatabase(db.name);
  };
}
