import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    // bench/peers: other projects the benchmark runs beside the app, each with its own packages.
    ignores: ["node_modules/**", ".next/**", "src/generated/**", "data/**", "test-results/**", "test-reports/**", "playwright-report/**", "next-env.d.ts", "bench/peers/**"],
  },
  {
    // Layering (DESIGN.md): routes and components never reach the database or the server-side
    // WebAuthn library directly.
    files: ["src/app/**", "src/components/**", "src/contracts/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@prisma/*", "**/generated/prisma/**", "@/generated/**"], message: "Go through src/server." },
            { group: ["@simplewebauthn/server", "@simplewebauthn/server/*"], message: "Only src/server/webauthn uses it.", allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // Not React: Playwright fixtures call `use`, and take `{}` when they need no other fixture.
    files: ["tests/**", "scripts/**"],
    rules: { "no-empty-pattern": "off", "react-hooks/rules-of-hooks": "off" },
  },
];

export default config;
