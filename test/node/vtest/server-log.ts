/** A server's log as a test sees it: every line kept, and promises that resolve when a line arrives. */
export class ServerLog {
  readonly lines: string[] = [];
  #waiters: (() => void)[] = [];

  /** The `log` option to give the server. */
  readonly push = (line: string): void => {
    this.lines.push(line);
    for (const wake of this.#waiters.splice(0)) wake();
  };

  /** Resolves with the first line from now on that matches `pattern`; rejects after `timeoutMs`. */
  next(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const from = this.lines.length;
    return this.until(() => this.lines.slice(from).find((l) => pattern.test(l)), `a log line ${pattern}`, timeoutMs);
  }

  /** Resolves with `found()`'s first defined value, checked now and after each new line; rejects after `timeoutMs`. */
  until<T>(found: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${what} within ${timeoutMs} ms; log:\n${this.lines.join("\n")}`)),
        timeoutMs,
      );
      const check = () => {
        const value = found();
        if (value === undefined) {
          this.#waiters.push(check);
          return;
        }
        clearTimeout(timer);
        resolve(value);
      };
      check();
    });
  }
}
