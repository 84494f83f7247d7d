// A socket server of another process, for tests that must not harm it.
import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";

/** Another process listening on `path` (it ignores our probe hanging up): resolves once it accepts connections. */
export async function otherServer(path: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `require("node:net").createServer((c) => { c.on("error", () => {}); c.end("other"); }).listen(${JSON.stringify(path)}, () => console.log("ready"))`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`listener child exited ${code}`)));
  });
  return child;
}

/** Whether something at `path` answers, and what it says first. */
export function answer(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let text = "";
    c.on("data", (d) => {
      text += d.toString();
    });
    c.on("end", () => resolve(text));
    c.on("error", reject);
  });
}
