/**
 * How an opcode reads a source or writes its destination (registers are untyped 32-bit x4): `f` float, `i` int,
 * `u` uint, `d` double (channel pairs xy/zw), `raw` untyped (the bits as they are: MOV, a sampler operand).
 */
export type TgsiValueType = "f" | "i" | "u" | "d" | "raw";

/** Opcode families the emitter dispatches on. */
export type TgsiOpcodeKind = "alu" | "flow" | "tex" | "gs" | "kill" | "memory" | "other";

/** One row of {@link OPCODE_TABLE}: destination count, family, result type, one type per source operand. */
interface OpcodeRow {
  readonly dst: 0 | 1;
  readonly kind: TgsiOpcodeKind;
  readonly result: TgsiValueType;
  readonly src: readonly TgsiValueType[];
}

/**
 * Every opcode the parser accepts, by its TGSI text name (without `_SAT`/`_PRECISE`). Operand counts are facts from
 * Mesa's tgsi_info_opcodes.h; source types follow what tgsi_info.c infers (shift counts, bitfield offsets/widths
 * and LDEXP exponents are int whatever the opcode's main type; a texture instruction's last source is the sampler).
 * Memory opcodes: the resource (BUFFER/IMAGE/MEMORY/HWATOMIC) is the first source, or STORE's destination; the
 * address is a byte offset (image coordinates are read as int); `raw` values take the resource's type.
 */
export const OPCODE_TABLE = {
  ARL: { dst: 1, kind: "alu", result: "i", src: ["f"] },
  MOV: { dst: 1, kind: "alu", result: "raw", src: ["raw"] },
  LIT: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  RCP: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  RSQ: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  EXP: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  LOG: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  MUL: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  DIV: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  ADD: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  DP3: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  DP4: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  DST: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  MIN: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  MAX: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  SLT: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  SGE: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  MAD: { dst: 1, kind: "alu", result: "f", src: ["f", "f", "f"] },
  LRP: { dst: 1, kind: "alu", result: "f", src: ["f", "f", "f"] },
  FMA: { dst: 1, kind: "alu", result: "f", src: ["f", "f", "f"] },
  SQRT: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  FRC: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  FLR: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  ROUND: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  EX2: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  LG2: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  POW: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  LDEXP: { dst: 1, kind: "alu", result: "f", src: ["f", "i"] },
  COS: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  DDX: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  DDY: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  DDX_FINE: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  DDY_FINE: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  SEQ: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  SGT: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  SIN: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  SLE: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  SNE: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  SSG: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  CMP: { dst: 1, kind: "alu", result: "f", src: ["f", "f", "f"] },
  DP2: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  DPH: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  XPD: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  TRUNC: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  CEIL: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  FSEQ: { dst: 1, kind: "alu", result: "u", src: ["f", "f"] },
  FSGE: { dst: 1, kind: "alu", result: "u", src: ["f", "f"] },
  FSLT: { dst: 1, kind: "alu", result: "u", src: ["f", "f"] },
  FSNE: { dst: 1, kind: "alu", result: "u", src: ["f", "f"] },
  F2I: { dst: 1, kind: "alu", result: "i", src: ["f"] },
  F2U: { dst: 1, kind: "alu", result: "u", src: ["f"] },
  I2F: { dst: 1, kind: "alu", result: "f", src: ["i"] },
  U2F: { dst: 1, kind: "alu", result: "f", src: ["u"] },
  IDIV: { dst: 1, kind: "alu", result: "i", src: ["i", "i"] },
  IMAX: { dst: 1, kind: "alu", result: "i", src: ["i", "i"] },
  IMIN: { dst: 1, kind: "alu", result: "i", src: ["i", "i"] },
  INEG: { dst: 1, kind: "alu", result: "i", src: ["i"] },
  IABS: { dst: 1, kind: "alu", result: "i", src: ["i"] },
  ISSG: { dst: 1, kind: "alu", result: "i", src: ["i"] },
  ISGE: { dst: 1, kind: "alu", result: "u", src: ["i", "i"] },
  ISLT: { dst: 1, kind: "alu", result: "u", src: ["i", "i"] },
  ISHR: { dst: 1, kind: "alu", result: "i", src: ["i", "i"] },
  MOD: { dst: 1, kind: "alu", result: "i", src: ["i", "i"] },
  IMUL_HI: { dst: 1, kind: "alu", result: "i", src: ["i", "i"] },
  IBFE: { dst: 1, kind: "alu", result: "i", src: ["i", "i", "i"] },
  IMSB: { dst: 1, kind: "alu", result: "i", src: ["i"] },
  UADD: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  UDIV: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  UMAD: { dst: 1, kind: "alu", result: "u", src: ["u", "u", "u"] },
  UMAX: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  UMIN: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  UMOD: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  UMUL: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  UMUL_HI: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  USEQ: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  USGE: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  USLT: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  USNE: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  USHR: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  SHL: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  AND: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  OR: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  XOR: { dst: 1, kind: "alu", result: "u", src: ["u", "u"] },
  NOT: { dst: 1, kind: "alu", result: "u", src: ["u"] },
  UCMP: { dst: 1, kind: "alu", result: "u", src: ["u", "u", "u"] },
  UBFE: { dst: 1, kind: "alu", result: "u", src: ["u", "i", "i"] },
  BFI: { dst: 1, kind: "alu", result: "u", src: ["u", "u", "i", "i"] },
  BREV: { dst: 1, kind: "alu", result: "u", src: ["u"] },
  POPC: { dst: 1, kind: "alu", result: "u", src: ["u"] },
  LSB: { dst: 1, kind: "alu", result: "u", src: ["u"] },
  UMSB: { dst: 1, kind: "alu", result: "u", src: ["u"] },
  UARL: { dst: 1, kind: "alu", result: "i", src: ["u"] },
  F2D: { dst: 1, kind: "alu", result: "d", src: ["f"] },
  D2F: { dst: 1, kind: "alu", result: "f", src: ["d"] },
  D2I: { dst: 1, kind: "alu", result: "i", src: ["d"] },
  I2D: { dst: 1, kind: "alu", result: "d", src: ["i"] },
  D2U: { dst: 1, kind: "alu", result: "u", src: ["d"] },
  U2D: { dst: 1, kind: "alu", result: "d", src: ["u"] },
  DABS: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DNEG: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DADD: { dst: 1, kind: "alu", result: "d", src: ["d", "d"] },
  DMUL: { dst: 1, kind: "alu", result: "d", src: ["d", "d"] },
  DDIV: { dst: 1, kind: "alu", result: "d", src: ["d", "d"] },
  DMAX: { dst: 1, kind: "alu", result: "d", src: ["d", "d"] },
  DMIN: { dst: 1, kind: "alu", result: "d", src: ["d", "d"] },
  DSLT: { dst: 1, kind: "alu", result: "u", src: ["d", "d"] },
  DSGE: { dst: 1, kind: "alu", result: "u", src: ["d", "d"] },
  DSEQ: { dst: 1, kind: "alu", result: "u", src: ["d", "d"] },
  DSNE: { dst: 1, kind: "alu", result: "u", src: ["d", "d"] },
  DRCP: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DSQRT: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DRSQ: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DMAD: { dst: 1, kind: "alu", result: "d", src: ["d", "d", "d"] },
  DFMA: { dst: 1, kind: "alu", result: "d", src: ["d", "d", "d"] },
  DFRAC: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DTRUNC: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DCEIL: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DFLR: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DROUND: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  DLDEXP: { dst: 1, kind: "alu", result: "d", src: ["d", "i"] },
  DSSG: { dst: 1, kind: "alu", result: "d", src: ["d"] },
  PK2H: { dst: 1, kind: "alu", result: "u", src: ["f"] },
  UP2H: { dst: 1, kind: "alu", result: "f", src: ["u"] },
  INTERP_CENTROID: { dst: 1, kind: "alu", result: "f", src: ["f"] },
  INTERP_SAMPLE: { dst: 1, kind: "alu", result: "f", src: ["f", "i"] },
  INTERP_OFFSET: { dst: 1, kind: "alu", result: "f", src: ["f", "f"] },
  IF: { dst: 0, kind: "flow", result: "f", src: ["f"] },
  UIF: { dst: 0, kind: "flow", result: "u", src: ["u"] },
  ELSE: { dst: 0, kind: "flow", result: "raw", src: [] },
  ENDIF: { dst: 0, kind: "flow", result: "raw", src: [] },
  BGNLOOP: { dst: 0, kind: "flow", result: "raw", src: [] },
  ENDLOOP: { dst: 0, kind: "flow", result: "raw", src: [] },
  BRK: { dst: 0, kind: "flow", result: "raw", src: [] },
  CONT: { dst: 0, kind: "flow", result: "raw", src: [] },
  SWITCH: { dst: 0, kind: "flow", result: "u", src: ["u"] },
  CASE: { dst: 0, kind: "flow", result: "u", src: ["u"] },
  DEFAULT: { dst: 0, kind: "flow", result: "raw", src: [] },
  ENDSWITCH: { dst: 0, kind: "flow", result: "raw", src: [] },
  CAL: { dst: 0, kind: "flow", result: "raw", src: [] },
  RET: { dst: 0, kind: "flow", result: "raw", src: [] },
  BGNSUB: { dst: 0, kind: "flow", result: "raw", src: [] },
  ENDSUB: { dst: 0, kind: "flow", result: "raw", src: [] },
  END: { dst: 0, kind: "flow", result: "raw", src: [] },
  NOP: { dst: 0, kind: "other", result: "raw", src: [] },
  KILL: { dst: 0, kind: "kill", result: "raw", src: [] },
  KILL_IF: { dst: 0, kind: "kill", result: "f", src: ["f"] },
  EMIT: { dst: 0, kind: "gs", result: "u", src: ["u"] },
  ENDPRIM: { dst: 0, kind: "gs", result: "u", src: ["u"] },
  BARRIER: { dst: 0, kind: "other", result: "raw", src: [] },
  MEMBAR: { dst: 0, kind: "other", result: "u", src: ["u"] },
  TEX: { dst: 1, kind: "tex", result: "f", src: ["f", "raw"] },
  TXP: { dst: 1, kind: "tex", result: "f", src: ["f", "raw"] },
  TXB: { dst: 1, kind: "tex", result: "f", src: ["f", "raw"] },
  TXL: { dst: 1, kind: "tex", result: "f", src: ["f", "raw"] },
  TXD: { dst: 1, kind: "tex", result: "f", src: ["f", "f", "f", "raw"] },
  TXF: { dst: 1, kind: "tex", result: "f", src: ["i", "raw"] },
  TXF_LZ: { dst: 1, kind: "tex", result: "f", src: ["i", "raw"] },
  TEX_LZ: { dst: 1, kind: "tex", result: "f", src: ["f", "raw"] },
  TXQ: { dst: 1, kind: "tex", result: "i", src: ["i", "raw"] },
  TXQS: { dst: 1, kind: "tex", result: "i", src: ["raw"] },
  LODQ: { dst: 1, kind: "tex", result: "f", src: ["f", "raw"] },
  TG4: { dst: 1, kind: "tex", result: "f", src: ["f", "u", "raw"] },
  TEX2: { dst: 1, kind: "tex", result: "f", src: ["f", "f", "raw"] },
  TXB2: { dst: 1, kind: "tex", result: "f", src: ["f", "f", "raw"] },
  TXL2: { dst: 1, kind: "tex", result: "f", src: ["f", "f", "raw"] },
  LOAD: { dst: 1, kind: "memory", result: "raw", src: ["raw", "u"] },
  STORE: { dst: 1, kind: "memory", result: "raw", src: ["u", "raw"] },
  RESQ: { dst: 1, kind: "memory", result: "raw", src: ["raw"] },
  ATOMUADD: { dst: 1, kind: "memory", result: "u", src: ["raw", "u", "u"] },
  ATOMXCHG: { dst: 1, kind: "memory", result: "raw", src: ["raw", "u", "raw"] },
  ATOMCAS: { dst: 1, kind: "memory", result: "raw", src: ["raw", "u", "raw", "raw"] },
  ATOMAND: { dst: 1, kind: "memory", result: "u", src: ["raw", "u", "u"] },
  ATOMOR: { dst: 1, kind: "memory", result: "u", src: ["raw", "u", "u"] },
  ATOMXOR: { dst: 1, kind: "memory", result: "u", src: ["raw", "u", "u"] },
  ATOMUMIN: { dst: 1, kind: "memory", result: "u", src: ["raw", "u", "u"] },
  ATOMUMAX: { dst: 1, kind: "memory", result: "u", src: ["raw", "u", "u"] },
  ATOMIMIN: { dst: 1, kind: "memory", result: "i", src: ["raw", "u", "i"] },
  ATOMIMAX: { dst: 1, kind: "memory", result: "i", src: ["raw", "u", "i"] },
  ATOMFADD: { dst: 1, kind: "memory", result: "f", src: ["raw", "u", "f"] },
  ATOMINC_WRAP: { dst: 1, kind: "memory", result: "u", src: ["raw", "u", "u"] },
  ATOMDEC_WRAP: { dst: 1, kind: "memory", result: "u", src: ["raw", "u", "u"] },
} as const satisfies Record<string, OpcodeRow>;

/** A TGSI opcode name the parser accepts. */
export type TgsiOpcodeName = keyof typeof OPCODE_TABLE;

/** One opcode: operand counts and types. */
export interface TgsiOpcodeInfo {
  readonly name: TgsiOpcodeName;
  readonly numDst: number;
  readonly numSrc: number;
  readonly kind: TgsiOpcodeKind;
  /** Type of each source operand, `numSrc` of them. */
  readonly srcTypes: readonly TgsiValueType[];
  /** Type the opcode computes in: its first source's (`raw` when it has none). */
  readonly srcType: TgsiValueType;
  /** Type of the result. */
  readonly dstType: TgsiValueType;
}

function buildTable(): ReadonlyMap<string, TgsiOpcodeInfo> {
  const map = new Map<string, TgsiOpcodeInfo>();
  for (const [name, row] of Object.entries(OPCODE_TABLE) as [TgsiOpcodeName, OpcodeRow][]) {
    map.set(name, {
      name,
      numDst: row.dst,
      numSrc: row.src.length,
      kind: row.kind,
      srcTypes: row.src,
      srcType: row.src[0] ?? "raw",
      dstType: row.result,
    });
  }
  return map;
}

/** {@link OPCODE_TABLE} as a map from the text name, for the parser. */
export const TGSI_OPCODES: ReadonlyMap<string, TgsiOpcodeInfo> = buildTable();
