// `npm run bench:reports -- [--runs 5]`
// Times the administrators' reports on DATABASE_URL (load it first with
// `npm run db:seed:bulk -- --users 1000000`) by calling the server functions behind them, as the
// pages and routes do: the reports page / activity API (charts and totals, 30 and 366 days) and the
// registration details with several filters. Prints the first (cold) run and the warm ones.
import { intArg, parseArgs, runMain } from "../lib/cli";
import { applyDatabaseEnv, openDatabase } from "../lib/database";

const USAGE = "Usage: npm run bench:reports -- [--runs 5]";

await runMain(async () => {
  const args = parseArgs(process.argv.slice(2));
  const runs = intArg(args, "runs", 5, USAGE);
  const db = await openDatabase();
  applyDatabaseEnv(db);
  const { disconnectDb } = await import("../../src/server/db");
  const { getReportActivity } = await import("../../src/server/admin/reports/get-report-activity");
  const { listRegistrations } = await import("../../src/server/admin/reports/list-registrations");
  const { RegistrationPageQuery } = await import("../../src/contracts/admin-reports");
  const today = new Date().toISOString().slice(0, 10);
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const registrations = (filter: Record<string, string>) => () => listRegistrations(RegistrationPageQuery.parse(filter));
  const steps: Array<{ name: string; run: () => Promise<unknown> }> = [
    { name: "activity, last 30 days (reports page, activity API)", run: () => getReportActivity({}) },
    { name: "activity, 366 days", run: () => getReportActivity({ from: yearAgo, to: today }) },
    { name: "registrations, no filter", run: registrations({}) },
    { name: "registrations, method none", run: registrations({ method: "none" }) },
    { name: "registrations, passwordless yes", run: registrations({ passwordless: "yes" }) },
    { name: "registrations, passwordless no", run: registrations({ passwordless: "no" }) },
    { name: "registrations, MFA no", run: registrations({ mfa: "no" }) },
    { name: "registrations, password and MFA no", run: registrations({ method: "password", mfa: "no" }) },
    { name: "registrations, usable pass", run: registrations({ method: "tap" }) },
    { name: 'registrations, email "a", MFA yes', run: registrations({ q: "a", mfa: "yes" }) },
    { name: 'registrations, email "ada.", passwordless no', run: registrations({ q: "ada.", passwordless: "no" }) },
  ];
  try {
    console.log(`${runs} runs per step, one at a time`);
    console.log("| step | first ms | warm ms (each) |");
    console.log("| --- | ---: | --- |");
    for (const step of steps) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await step.run();
        times.push(performance.now() - started);
      }
      console.log(`| ${step.name} | ${times[0]!.toFixed(0)} | ${times.slice(1).map((t) => t.toFixed(0)).join(", ")} |`);
    }
  } finally {
    await disconnectDb();
    await db.stop();
  }
});
