import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Node built-ins and the database driver stay outside the server bundle.
  serverExternalPackages: ["pg", "@prisma/adapter-pg"],
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;
