// Runs once when the server starts, before it serves a request: read and validate the
// configuration now, so a bad value stops start-up with one line naming it instead of failing on
// the first request; then verify and load the operator's FIDO metadata blob, if one is configured.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { validateConfigOrExit } = await import("./instrumentation-node");
  validateConfigOrExit();
  const [{ ConfigError }, { loadMetadataFromConfig }, { describeLoadedMetadata }] = await Promise.all([
    import("./server/config"),
    import("./server/webauthn/metadata/load-metadata-from-config"),
    import("./server/webauthn/metadata/loaded-metadata"),
  ]);
  try {
    const loaded = await loadMetadataFromConfig();
    if (loaded) console.log(describeLoadedMetadata(loaded));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
