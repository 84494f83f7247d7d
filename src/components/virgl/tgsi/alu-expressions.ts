/** The GLSL of one ALU instruction's sources, each already a vec4/ivec4/uvec4 expression of the opcode's type. */
export type AluOperands = readonly [x: string, y: string, z: string, w: string];

/** GLSL of an opcode that needs nothing but its operands (and whether the target is GLSL ES 3.00). */
export type AluExpression = (a: AluOperands, es: boolean) => string;

/** A GLSL helper function an opcode calls: its name, its definition, how many operands it takes. */
export interface AluHelper {
  readonly name: string;
  /** The definition; `imix` names the bvec-selected `mix` for ivec4/uvec4 on this target. */
  readonly code: (imix: (t: "i" | "u") => string) => string;
  readonly arity: 1 | 2 | 3 | 4;
}

// TGSI's scalar opcodes read channel x and replicate the result to every channel.
const replicate = (s: string): string => `vec4(${s})`;
// TGSI comparisons that produce integers give ~0 for true (Mesa's tgsi_info: FSEQ, USEQ, ...).
const allOnes = (b: string): string => `(uvec4(${b}) * 0xffffffffu)`;

const infix =
  (op: string): AluExpression =>
  ([x, y]) =>
    `(${x} ${op} ${y})`;
const call1 =
  (f: string): AluExpression =>
  ([x]) =>
    `${f}(${x})`;
const call2 =
  (f: string): AluExpression =>
  ([x, y]) =>
    `${f}(${x}, ${y})`;
const scalar =
  (f: string): AluExpression =>
  ([x]) =>
    replicate(`${f}((${x}).x)`);
const setOnTrue =
  (compare: string): AluExpression =>
  ([x, y]) =>
    `vec4(${compare}(${x}, ${y}))`;
const maskOnTrue =
  (compare: string): AluExpression =>
  ([x, y]) =>
    allOnes(`${compare}(${x}, ${y})`);
const madd: AluExpression = ([x, y, z]) => `(${x} * ${y} + ${z})`;

/** Opcodes whose GLSL is an expression of their operands alone, by TGSI name. */
export const ALU_EXPRESSIONS: ReadonlyMap<string, AluExpression> = new Map<string, AluExpression>([
  ["ARL", ([x]) => `ivec4(floor(${x}))`],
  ["UARL", call1("ivec4")],
  ["ADD", infix("+")],
  ["UADD", infix("+")],
  ["MUL", infix("*")],
  ["UMUL", infix("*")],
  ["DIV", infix("/")],
  ["MAD", madd],
  ["UMAD", madd],
  ["FMA", (a, es) => (es ? madd(a, es) : `fma(${a[0]}, ${a[1]}, ${a[2]})`)],
  ["LRP", ([x, y, z]) => `mix(${z}, ${y}, ${x})`],
  ["MIN", call2("min")],
  ["IMIN", call2("min")],
  ["UMIN", call2("min")],
  ["MAX", call2("max")],
  ["IMAX", call2("max")],
  ["UMAX", call2("max")],
  ["DP2", ([x, y]) => replicate(`dot((${x}).xy, (${y}).xy)`)],
  ["DP3", ([x, y]) => replicate(`dot((${x}).xyz, (${y}).xyz)`)],
  ["DP4", ([x, y]) => replicate(`dot(${x}, ${y})`)],
  ["DPH", ([x, y]) => replicate(`dot(vec4((${x}).xyz, 1.0), ${y})`)],
  ["DST", ([x, y]) => `vec4(1.0, (${x}).y * (${y}).y, (${x}).z, (${y}).w)`],
  ["XPD", ([x, y]) => `vec4(cross((${x}).xyz, (${y}).xyz), 1.0)`],
  ["RCP", ([x]) => replicate(`1.0 / (${x}).x`)],
  ["RSQ", scalar("inversesqrt")],
  ["SQRT", scalar("sqrt")],
  ["EX2", scalar("exp2")],
  ["LG2", scalar("log2")],
  ["POW", ([x, y]) => replicate(`pow((${x}).x, (${y}).x)`)],
  ["SIN", scalar("sin")],
  ["COS", scalar("cos")],
  ["LDEXP", call2("ldexp")],
  ["FRC", call1("fract")],
  ["FLR", call1("floor")],
  ["CEIL", call1("ceil")],
  ["TRUNC", call1("trunc")],
  ["ROUND", call1("roundEven")],
  ["SSG", call1("sign")],
  ["ISSG", call1("sign")],
  ["CMP", ([x, y, z]) => `mix(${z}, ${y}, lessThan(${x}, vec4(0.0)))`],
  ["DDX", call1("dFdx")],
  ["DDY", call1("dFdy")],
  // Two floats as halves of one word (x low), replicated; and back, (lo, hi, lo, hi).
  ["PK2H", ([x]) => `uvec4(packHalf2x16((${x}).xy))`],
  ["UP2H", ([x]) => `unpackHalf2x16((${x}).x).xyxy`],
  // GLSL ES 3.00 has no fine derivatives; the coarse ones are what it offers.
  ["DDX_FINE", ([x], es) => (es ? `dFdx(${x})` : `dFdxFine(${x})`)],
  ["DDY_FINE", ([x], es) => (es ? `dFdy(${x})` : `dFdyFine(${x})`)],
  ["SLT", setOnTrue("lessThan")],
  ["SGE", setOnTrue("greaterThanEqual")],
  ["SEQ", setOnTrue("equal")],
  ["SNE", setOnTrue("notEqual")],
  ["SGT", setOnTrue("greaterThan")],
  ["SLE", setOnTrue("lessThanEqual")],
  ["FSEQ", maskOnTrue("equal")],
  ["USEQ", maskOnTrue("equal")],
  ["FSNE", maskOnTrue("notEqual")],
  ["USNE", maskOnTrue("notEqual")],
  ["FSLT", maskOnTrue("lessThan")],
  ["ISLT", maskOnTrue("lessThan")],
  ["USLT", maskOnTrue("lessThan")],
  ["FSGE", maskOnTrue("greaterThanEqual")],
  ["ISGE", maskOnTrue("greaterThanEqual")],
  ["USGE", maskOnTrue("greaterThanEqual")],
  ["F2I", call1("ivec4")],
  ["F2U", call1("uvec4")],
  ["I2F", call1("vec4")],
  ["U2F", call1("vec4")],
  ["INEG", ([x]) => `(-${x})`],
  ["IABS", call1("abs")],
  // Shift counts use their low 5 bits (TGSI), where GLSL leaves larger counts undefined.
  ["SHL", ([x, y]) => `(${x} << (${y} & 31u))`],
  ["USHR", ([x, y]) => `(${x} >> (${y} & 31u))`],
  ["ISHR", ([x, y]) => `(${x} >> (${y} & 31))`],
  ["AND", infix("&")],
  ["OR", infix("|")],
  ["XOR", infix("^")],
  ["NOT", ([x]) => `(~${x})`],
  ["BREV", call1("bitfieldReverse")],
  ["POPC", ([x]) => `uvec4(bitCount(${x}))`],
  ["LSB", ([x]) => `uvec4(findLSB(${x}))`],
  ["UMSB", ([x]) => `uvec4(findMSB(${x}))`],
  ["IMSB", call1("findMSB")],
]);

// Division by zero gives ~0 (unsigned) or -1 (signed) as TGSI defines it, where GLSL leaves it undefined.
const guardedDivision = (name: string, t: "i" | "u", op: "/" | "%"): AluHelper => {
  const v = `${t}vec4`;
  const zero = t === "i" ? "ivec4(0)" : "uvec4(0u)";
  const one = t === "i" ? "ivec4(1)" : "uvec4(1u)";
  const onZero = t === "i" ? "ivec4(-1)" : "uvec4(0xffffffffu)";
  return {
    name,
    arity: 2,
    code: (imix) =>
      `${v} ${name}(${v} a, ${v} b) { bvec4 z = equal(b, ${zero}); return ${imix(t)}(a ${op} ${imix(t)}(b, ${one}, z), ${onZero}, z); }`,
  };
};

// Offsets use their low 5 bits and widths are clamped to the bits left, as TGSI's IBFE/UBFE/BFI define them.
const bitfield = (name: string, signature: string, body: string, arity: 3 | 4): AluHelper => ({
  name,
  arity,
  code: () => `${signature} { ${body} }`,
});

/** Opcodes implemented by a helper function, by TGSI name. */
export const ALU_HELPERS: ReadonlyMap<string, AluHelper> = new Map<string, AluHelper>([
  [
    "EXP",
    {
      name: "tgsi_exp",
      arity: 1,
      code: () => "vec4 tgsi_exp(vec4 a) { float f = floor(a.x); return vec4(exp2(f), a.x - f, exp2(a.x), 1.0); }",
    },
  ],
  [
    "LOG",
    {
      name: "tgsi_log",
      arity: 1,
      code: () =>
        "vec4 tgsi_log(vec4 a) { float l = log2(abs(a.x)); float f = floor(l); return vec4(f, abs(a.x) / exp2(f), l, 1.0); }",
    },
  ],
  [
    "LIT",
    {
      name: "tgsi_lit",
      arity: 1,
      code: () =>
        "vec4 tgsi_lit(vec4 a) { float d = max(a.x, 0.0); float s = a.x > 0.0 ? pow(max(a.y, 0.0), clamp(a.w, -128.0, 128.0)) : 0.0; return vec4(1.0, d, s, 1.0); }",
    },
  ],
  ["IDIV", guardedDivision("tgsi_idiv", "i", "/")],
  ["MOD", guardedDivision("tgsi_imod", "i", "%")],
  ["UDIV", guardedDivision("tgsi_udiv", "u", "/")],
  ["UMOD", guardedDivision("tgsi_umod", "u", "%")],
  [
    "IBFE",
    bitfield(
      "tgsi_ibfe",
      "ivec4 tgsi_ibfe(ivec4 v, ivec4 o, ivec4 b)",
      "ivec4 r; for (int i = 0; i < 4; i++) r[i] = bitfieldExtract(v[i], o[i] & 31, clamp(b[i], 0, 32 - (o[i] & 31))); return r;",
      3,
    ),
  ],
  [
    "UBFE",
    bitfield(
      "tgsi_ubfe",
      "uvec4 tgsi_ubfe(uvec4 v, ivec4 o, ivec4 b)",
      "uvec4 r; for (int i = 0; i < 4; i++) r[i] = bitfieldExtract(v[i], o[i] & 31, clamp(b[i], 0, 32 - (o[i] & 31))); return r;",
      3,
    ),
  ],
  [
    "BFI",
    bitfield(
      "tgsi_bfi",
      "uvec4 tgsi_bfi(uvec4 base, uvec4 ins, ivec4 o, ivec4 b)",
      "uvec4 r; for (int i = 0; i < 4; i++) r[i] = bitfieldInsert(base[i], ins[i], o[i] & 31, clamp(b[i], 0, 32 - (o[i] & 31))); return r;",
      4,
    ),
  ],
]);
