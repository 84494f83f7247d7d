/**
 * The shader stages, in virgl's numbering (CREATE_OBJECT(SHADER) dword 2, BIND_SHADER's type): the index is the
 * position in this list. `header` is the TGSI header word, `prefix` the name prefix of the stage's GLSL globals.
 */
export const SHADER_STAGES = [
  { header: "VERT", prefix: "vs" },
  { header: "FRAG", prefix: "fs" },
  { header: "GEOM", prefix: "gs" },
  { header: "TESS_CTRL", prefix: "tc" },
  { header: "TESS_EVAL", prefix: "te" },
  { header: "COMP", prefix: "cs" },
] as const;

/** Shader stage, as the TGSI header word names it. */
export type TgsiStage = (typeof SHADER_STAGES)[number]["header"];

function byStage<T>(value: (index: number) => T): Readonly<Record<TgsiStage, T>> {
  return Object.fromEntries(SHADER_STAGES.map((s, i) => [s.header, value(i)])) as Record<TgsiStage, T>;
}

/** Stage numbers of the virgl protocol; they order the binding ranges of glsl-bindings.ts. */
export const STAGE_INDEX: Readonly<Record<TgsiStage, number>> = byStage((i) => i);

/** Name prefix of each stage's GLSL globals (uniform blocks, samplers, output varyings). */
export const STAGE_PREFIX: Readonly<Record<TgsiStage, string>> = byStage((i) => SHADER_STAGES[i]!.prefix);

/** The stage a TGSI header word names, or undefined. */
export function stageOfHeader(word: string): TgsiStage | undefined {
  return SHADER_STAGES.find((s) => s.header === word)?.header;
}
