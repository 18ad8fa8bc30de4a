// Runs once when the server starts: read and validate the configuration now, so a bad value stops
// start-up with one line naming it instead of failing on the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { validateConfigOrExit } = await import("./instrumentation-node");
  validateConfigOrExit();
}
