// Test-only: the TGSI corpus copied from ../shared/data/tgsi-corpus (line 1 is our capture comment).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURE_DIR = join(import.meta.dirname, "../../../fixtures/tgsi");

export interface CorpusShader {
  readonly file: string;
  /** The program that sent it (`glxgears`, `sr-gs-conditional-emit`, ...). */
  readonly source: string;
  readonly stage: string;
  /** The wire text, the capture comment stripped. */
  readonly text: string;
}

export function loadCorpus(): CorpusShader[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith(".tgsi"))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(FIXTURE_DIR, file), "utf8");
      const nl = raw.indexOf("\n");
      const stage = /stage: (\w+)/.exec(raw.slice(0, nl))?.[1] ?? "";
      return { file, source: file.replace(/-\d+\.tgsi$/, ""), stage, text: raw.slice(nl + 1) };
    });
}
