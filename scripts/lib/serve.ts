// The app's HTTP server: Next.js in custom-server mode behind a node:http server of our own, so the
// client address the app records comes from the connection (see forwarded-for.ts). `npm start`,
// the browser tests and the benchmark all serve the app through this.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import { randomBytes } from "node:crypto";
import { methodNotAllowed, refuseMethod } from "../../src/server/http/allowed-methods";
import { buildSecurityHeaders } from "../../src/server/http/security-headers";
import { coalesceWrites } from "./coalesce-writes";
import { trustedProxyList } from "../../src/server/http/client-ip";
import { forwardedFor } from "./forwarded-for";
import { requestPath } from "./request-path";
import { ROOT } from "./paths";

export interface ServeOptions {
  dev: boolean;
  port: number;
  /** TRUSTED_PROXIES as config.ts parses it: CIDR ranges, empty when the app faces clients. */
  trustedProxies: readonly string[];
  /** ORIGINS, for the security headers of the answers this server gives itself. */
  origins: readonly string[];
}

/** Methods Node parses but the fetch API refuses to build a Request for. */
const UNFETCHABLE_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);

export interface Serving {
  server: Server;
  /** Stops accepting connections, lets requests in flight finish, then stops Next.js. */
  close(): Promise<void>;
}

/** Prepares Next.js (the production build in .next, or the development server) and listens on `port`. */
export async function serve({ dev, port, trustedProxies, origins }: ServeOptions): Promise<Serving> {
  const proxies = trustedProxyList(trustedProxies);
  const server = createServer();
  server.on("connection", coalesceWrites);
  const app = next({ dev, dir: ROOT, hostname: "localhost", port, httpServer: server });
  await app.prepare();
  const handle = app.getRequestHandler();
  // The passkey sign-in requests, answered here in production (decision 020); the development
  // server leaves them to Next.js, which recompiles them when they change.
  const direct = dev ? null : await import("./direct-routes");
  const base = `http://localhost:${port}`;

  // Next.js writes the peer into X-Forwarded-For only when the request has none: decide it first.
  const setClientAddress = (req: IncomingMessage) => {
    const value = forwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress, proxies);
    if (value === null) delete req.headers["x-forwarded-for"];
    else req.headers["x-forwarded-for"] = value;
  };

  // Every answer's security headers, and the JSON 405 for a method a route does not take, come
  // from here before Next.js sees the request (decision 017): Next.js's proxy would cost every
  // request a second trip through its request pipeline for what these few lines do.
  server.on("request", (req, res) => {
    const pathname = requestPath(req.url);
    const nonce = randomBytes(16).toString("base64");
    const headers = buildSecurityHeaders({ nonce, origins, development: dev, pathname });
    for (const [name, value] of headers) res.setHeader(name, value);

    const method = req.method ?? "GET";
    // TRACE and the like: the fetch API cannot even build a Request for them, so Next.js would
    // throw and answer 500.
    const refusal = UNFETCHABLE_METHODS.has(method) ? refuseMethod(method, pathname) : methodNotAllowed(method, pathname);
    if (refusal) {
      res.setHeader("Cache-Control", "no-store");
      refusal.headers.forEach((value, name) => res.setHeader(name, value));
      res.statusCode = refusal.status;
      void refusal.text().then((body) => res.end(body));
      return;
    }

    setClientAddress(req);
    const route = direct?.directRoute(method, pathname);
    if (route) {
      direct!.answerDirectly(route, req, res, base).catch((error: unknown) => {
        console.error(`Failed to handle request for ${req.url}`, error);
        if (res.headersSent) return void res.destroy();
        res.statusCode = 500;
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ error: { code: "INTERNAL", message: "Something went wrong on our side. Please try again." } }));
      });
      return;
    }
    // Next.js puts the nonce on its own scripts from the request's copy of the policy; whatever
    // policy the client sent is replaced.
    req.headers["content-security-policy"] = headers.find(([name]) => name === "Content-Security-Policy")![1];
    delete req.headers["content-security-policy-report-only"];
    handle(req, res).catch((error: unknown) => {
      console.error(`Failed to handle request for ${req.url}`, error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end("Internal Server Error");
      } else res.destroy();
    });
  });
  // Next.js listens for upgrades (the development server's hot reload) itself; ours runs first.
  // An upgraded socket is no HTTP connection any more, so close() would wait for it forever.
  const upgraded = new Set<Duplex>();
  server.prependListener("upgrade", (req: IncomingMessage, socket: Duplex) => {
    setClientAddress(req);
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve();
    });
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        // close() also drops idle keep-alive connections; the development server's requests may
        // never end (compiling, streaming), so it drops them all, as `next dev` does.
        server.close(() => resolve());
        for (const socket of upgraded) socket.destroy();
        if (dev) server.closeAllConnections();
      });
      await app.close();
    })();
    return closing;
  };
  return { server, close };
}

