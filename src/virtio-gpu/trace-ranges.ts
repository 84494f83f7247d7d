/**
 * The guest ranges recorded for the request being captured: a range read again within the same request is not
 * recorded again, since what changed it meanwhile was the host's own write (a read-back into the same pages), which
 * a replay makes too; recording the later bytes would hand the earlier read what it did not see.
 */
export class RequestRanges {
  readonly #recorded: [bigint, bigint][] = [];

  /** A new request starts. */
  clear(): void {
    this.#recorded.length = 0;
  }

  /** The parts of `[start, end)` not recorded yet for this request, now counted as recorded. */
  take(start: bigint, end: bigint): [bigint, bigint][] {
    let pieces: [bigint, bigint][] = [[start, end]];
    for (const [s, e] of this.#recorded) {
      const next: [bigint, bigint][] = [];
      for (const [ps, pe] of pieces) {
        if (e <= ps || s >= pe) next.push([ps, pe]);
        else {
          if (ps < s) next.push([ps, s]);
          if (e < pe) next.push([e, pe]);
        }
      }
      pieces = next;
      if (pieces.length === 0) return pieces;
    }
    this.#recorded.push(...pieces);
    return pieces;
  }
}
