// Runs in the browser before the app's own code. Zod probes whether it may compile parsers with
// `new Function`; under our Content-Security-Policy (no 'unsafe-eval') that probe is refused and
// reported as a CSP violation on every page. Turning its JIT off skips the probe; the parsers
// behave the same.
import { z } from "zod";

z.config({ jitless: true });
