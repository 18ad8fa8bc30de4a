import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Node built-ins and the database driver stay outside the server bundle.
  serverExternalPackages: ["pg", "@prisma/adapter-pg"],
  // The build checks the app; `npm run typecheck` checks everything, tests and scripts included.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // forbidden() answers administrator pages with a real 403 for everyone else.
  experimental: { authInterrupts: true },
};

export default nextConfig;
