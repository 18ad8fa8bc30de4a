// Runs once when the server starts, before it serves a request: read and validate the
// configuration now, so a bad value stops start-up with one line naming it instead of failing on
// the first request; then verify and load the operator's FIDO metadata blob, if one is configured.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { validateConfigOrExit } = await import("./instrumentation-node");
  validateConfigOrExit();
  const { loadMetadataOrExit } = await import("./server/webauthn/metadata/load-metadata-or-exit");
  await loadMetadataOrExit();
}
