// The route table our HTTP server (scripts/lib/serve.ts) answers wrong methods from must be exactly
// what the route files export: a new route or method that is not in it fails here.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { allowedMethods, methodNotAllowed, ROUTE_METHODS } from "@/server/http/allowed-methods";

const EXPORTED = /export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g;

function routeFiles(): Record<string, string[]> {
  const routes: Record<string, string[]> = {};
  for (const file of readdirSync("src/app", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("route.ts"))) {
    const path = `/${dirname(file)}`.replaceAll("\\", "/");
    routes[path] = [...readFileSync(join("src/app", file), "utf8").matchAll(EXPORTED)].map((m) => m[1]!).sort();
  }
  return routes;
}

describe("the route table", () => {
  it("lists every route file on disk with exactly the methods it exports", () => {
    const table = Object.fromEntries(Object.entries(ROUTE_METHODS).map(([route, methods]) => [route, [...methods].sort()]));
    expect(table).toEqual(routeFiles());
  });

  it("matches a dynamic segment as one path segment", () => {
    expect(allowedMethods("/api/me/passkeys/0b4e-anything")).toEqual(["PATCH", "DELETE", "OPTIONS"]);
    expect(allowedMethods("/api/me/passkeys/a/b")).toBeNull();
    expect(allowedMethods("/api/admin/users/u1/passkeys/p1")).toEqual(["DELETE", "OPTIONS"]);
    expect(allowedMethods("/api/nowhere")).toBeNull();
    expect(allowedMethods("/.well-known/webauthnx")).toBeNull();
  });

  it("adds HEAD to a GET route, and OPTIONS everywhere (Next.js answers those itself)", () => {
    expect(allowedMethods("/api/admin/policy")).toEqual(["GET", "PUT", "HEAD", "OPTIONS"]);
    expect(allowedMethods("/api/auth/tap")).toEqual(["POST", "OPTIONS"]);
  });
});

describe("methodNotAllowed", () => {
  it("answers a method the route does not take with our JSON 405 and Allow", async () => {
    for (const method of ["PUT", "GET", "HEAD", "TRACE", "CONNECT", "PROPFIND"]) {
      const res = methodNotAllowed(method, "/api/auth/tap");
      expect(res?.status, method).toBe(405);
      expect(res?.headers.get("allow")).toBe("POST, OPTIONS");
      expect(await res?.json()).toEqual({ error: { code: "METHOD_NOT_ALLOWED", message: expect.stringContaining("POST") } });
    }
  });

  it("lets methods the route takes, and paths no route serves, through", () => {
    expect(methodNotAllowed("POST", "/api/auth/tap")).toBeNull();
    expect(methodNotAllowed("OPTIONS", "/api/auth/tap")).toBeNull();
    expect(methodNotAllowed("HEAD", "/api/me/passkeys")).toBeNull();
    expect(methodNotAllowed("PUT", "/api/nowhere")).toBeNull();
    expect(methodNotAllowed("PUT", "/security-info")).toBeNull();
  });
});
