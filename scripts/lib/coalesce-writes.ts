// One system call for what a response writes in one turn of the event loop. Next.js streams a page
// as it renders: it sends the headers on their own, then each chunk of HTML and of the page's data
// as the render yields it, and each became a socket write of its own, a system call that costs far
// more than the few hundred bytes it carries (socket writes were the largest item in the server's
// CPU profile). Held until the turn's I/O callbacks and promise jobs have run, they leave together;
// a response still streams, one turn of the event loop later at most.
import type { Socket } from "node:net";

const coalescing = new WeakSet<Socket>();

/** Makes `socket` gather the writes of each turn of the event loop into one. */
export function coalesceWrites(socket: Socket): void {
  if (coalescing.has(socket)) return;
  coalescing.add(socket);
  let held = false;
  const release = () => {
    held = false;
    socket.uncork();
  };
  const write = socket.write;
  socket.write = function (this: Socket, ...args: Parameters<Socket["write"]>): boolean {
    if (!held) {
      held = true;
      socket.cork();
      setImmediate(release);
    }
    return write.apply(this, args);
  } as Socket["write"];
}
