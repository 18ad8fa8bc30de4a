// A small keep-alive HTTP client for the load generator: node:http keeps the client's own CPU per
// request low (fetch costs several times more), and cookies are handled the way a browser would for
// the few this app sets.
import http from "node:http";

export interface BenchResponse {
  status: number;
  body: string;
  setCookies: Map<string, string>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const REQUEST_TIMEOUT_MS = 30_000;

export function request(
  baseUrl: string,
  method: string,
  path: string,
  {
    body,
    cookies,
    accept = "application/json",
    origin,
  }: {
    body?: unknown;
    cookies?: Map<string, string>;
    accept?: string;
    /** The page's origin, when it is not the server's own (an instance behind a load balancer). */
    origin?: string;
  } = {},
): Promise<BenchResponse> {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { accept, "user-agent": "security-info-bench/1" };
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(payload));
    // Our own pages send it on every unsafe request; the CSRF check refuses requests without it.
    headers.origin = origin ?? url.origin;
  }
  if (cookies && cookies.size > 0) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const setCookies = new Map<string, string>();
        for (const line of res.headers["set-cookie"] ?? []) {
          const pair = line.split(";", 1)[0]!;
          const eq = pair.indexOf("=");
          setCookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), setCookies });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    // A request the server never answers fails the ceremony rather than stalling the run.
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path}: no response in ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.end(payload);
  });
}

/** A browser's cookie jar for this one site. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  take(res: BenchResponse): BenchResponse {
    for (const [name, value] of res.setCookies) {
      if (value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/** Throws with the status and the start of the body unless the response has the expected status. */
export function expectStatus(res: BenchResponse, status: number, what: string): BenchResponse {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.body.slice(0, 160)}`);
  return res;
}
