// Our server gathers what a response writes in one turn of the event loop into one socket write
// (scripts/lib/coalesce-writes.ts): counted at the socket, where each write is a system call.
import { once } from "node:events";
import { createServer, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { coalesceWrites } from "../../../scripts/lib/coalesce-writes";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server whose handler answers with `respond`, counting the writes that reach its sockets. */
async function serverCounting(coalesce: boolean, respond: (res: ServerResponse) => Promise<void>) {
  const counted = { writes: 0 };
  const server = createServer((_req, res) => void respond(res));
  server.on("connection", (socket: Socket) => {
    const generic = (socket as unknown as { _writeGeneric: (...args: unknown[]) => unknown })._writeGeneric;
    (socket as unknown as { _writeGeneric: (...args: unknown[]) => unknown })._writeGeneric = function (this: Socket, ...args: unknown[]) {
      counted.writes += 1;
      return generic.apply(this, args);
    };
    if (coalesce) coalesceWrites(socket);
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, counted };
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ port, host: "127.0.0.1", path: "/", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(body));
    })
      .on("error", reject)
      .end();
  });
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
/** Later in the same turn of the event loop, after Node's own per-tick gathering has sent what came before. */
const nextTick = () => new Promise((resolve) => process.nextTick(resolve));

/** As Next.js streams a page: the headers sent on their own, then chunks as the render yields them. */
async function streamInTicks(res: ServerResponse): Promise<void> {
  res.setHeader("Content-Type", "text/html");
  res.flushHeaders();
  await nextTick();
  res.write("<!DOCTYPE html><html>");
  await nextTick();
  res.write("<body>rendered</body>");
  await nextTick();
  res.end("</html>");
}

describe("coalesceWrites", () => {
  it("sends a response streamed in pieces within one turn in one write, and delivers it whole", async () => {
    const plain = await serverCounting(false, streamInTicks);
    const coalesced = await serverCounting(true, streamInTicks);
    expect(await get(plain.port)).toBe("<!DOCTYPE html><html><body>rendered</body></html>");
    expect(await get(coalesced.port)).toBe("<!DOCTYPE html><html><body>rendered</body></html>");
    // Without: the headers and the pieces leave in several writes.
    expect(plain.counted.writes).toBeGreaterThan(1);
    // With: everything written before the turn's release leaves together.
    expect(coalesced.counted.writes).toBe(1);
  });

  it("gathers the headers and a body written in the same turn into one write", async () => {
    const answer = async (res: ServerResponse) => {
      res.setHeader("Content-Type", "application/json");
      res.flushHeaders();
      res.write('{"ok":');
      await Promise.resolve();
      res.end("true}");
    };
    const coalesced = await serverCounting(true, answer);
    expect(await get(coalesced.port)).toBe('{"ok":true}');
    expect(coalesced.counted.writes).toBe(1);
  });

  it("still delivers a large response in full (writes past the socket's buffer wait for the release)", async () => {
    const big = "x".repeat(1024 * 1024);
    const coalesced = await serverCounting(true, async (res) => {
      res.write(big);
      await nextTurn();
      res.end(big);
    });
    expect((await get(coalesced.port)).length).toBe(2 * big.length);
  });
});
