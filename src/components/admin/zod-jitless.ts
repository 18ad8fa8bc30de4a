// Zod probes whether it may compile parsers with `new Function`; under our Content-Security-Policy
// (no 'unsafe-eval') that probe is refused and reported as a CSP violation. Turning its JIT off
// skips the probe; the parsers behave the same. Imported by the only client code that parses with
// zod (the policy form), so zod stays out of every other page's JavaScript.
import { z } from "zod";

z.config({ jitless: true });
