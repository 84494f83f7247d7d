/**
 * How an opcode reads its sources and writes its destination (registers are untyped 32-bit x4):
 * `f` float, `i` int, `u` uint, `d` double (channel pairs xy/zw), `raw` the bits as they are.
 */
export type TgsiValueType = "f" | "i" | "u" | "d" | "raw";

/** Opcode families the emitter dispatches on. */
export type TgsiOpcodeKind = "alu" | "flow" | "tex" | "gs" | "kill" | "other";

/** One row of the opcode table: operand counts and types (facts from Mesa's tgsi_info_opcodes.h). */
export interface TgsiOpcodeInfo {
  readonly name: string;
  readonly numDst: number;
  readonly numSrc: number;
  readonly kind: TgsiOpcodeKind;
  /** Type of the sources. */
  readonly srcType: TgsiValueType;
  /** Type of the result. */
  readonly dstType: TgsiValueType;
}

// name dst src kind srcType dstType
const TABLE = `
ARL 1 1 alu f i
MOV 1 1 alu raw raw
LIT 1 1 alu f f
RCP 1 1 alu f f
RSQ 1 1 alu f f
EXP 1 1 alu f f
LOG 1 1 alu f f
MUL 1 2 alu f f
DIV 1 2 alu f f
ADD 1 2 alu f f
DP3 1 2 alu f f
DP4 1 2 alu f f
DST 1 2 alu f f
MIN 1 2 alu f f
MAX 1 2 alu f f
SLT 1 2 alu f f
SGE 1 2 alu f f
MAD 1 3 alu f f
LRP 1 3 alu f f
FMA 1 3 alu f f
SQRT 1 1 alu f f
FRC 1 1 alu f f
FLR 1 1 alu f f
ROUND 1 1 alu f f
EX2 1 1 alu f f
LG2 1 1 alu f f
POW 1 2 alu f f
LDEXP 1 2 alu f f
COS 1 1 alu f f
DDX 1 1 alu f f
DDY 1 1 alu f f
DDX_FINE 1 1 alu f f
DDY_FINE 1 1 alu f f
SEQ 1 2 alu f f
SGT 1 2 alu f f
SIN 1 1 alu f f
SLE 1 2 alu f f
SNE 1 2 alu f f
SSG 1 1 alu f f
CMP 1 3 alu f f
DP2 1 2 alu f f
DPH 1 2 alu f f
XPD 1 2 alu f f
TRUNC 1 1 alu f f
CEIL 1 1 alu f f
FSEQ 1 2 alu f u
FSGE 1 2 alu f u
FSLT 1 2 alu f u
FSNE 1 2 alu f u
F2I 1 1 alu f i
F2U 1 1 alu f u
I2F 1 1 alu i f
U2F 1 1 alu u f
IDIV 1 2 alu i i
IMAX 1 2 alu i i
IMIN 1 2 alu i i
INEG 1 1 alu i i
IABS 1 1 alu i i
ISSG 1 1 alu i i
ISGE 1 2 alu i u
ISLT 1 2 alu i u
ISHR 1 2 alu i i
MOD 1 2 alu i i
IMUL_HI 1 2 alu i i
IBFE 1 3 alu i i
IMSB 1 1 alu i i
UADD 1 2 alu u u
UDIV 1 2 alu u u
UMAD 1 3 alu u u
UMAX 1 2 alu u u
UMIN 1 2 alu u u
UMOD 1 2 alu u u
UMUL 1 2 alu u u
UMUL_HI 1 2 alu u u
USEQ 1 2 alu u u
USGE 1 2 alu u u
USLT 1 2 alu u u
USNE 1 2 alu u u
USHR 1 2 alu u u
SHL 1 2 alu u u
AND 1 2 alu u u
OR 1 2 alu u u
XOR 1 2 alu u u
NOT 1 1 alu u u
UCMP 1 3 alu u u
UBFE 1 3 alu u u
BFI 1 4 alu u u
BREV 1 1 alu u u
POPC 1 1 alu u u
LSB 1 1 alu u u
UMSB 1 1 alu u u
UARL 1 1 alu u i
F2D 1 1 alu f d
D2F 1 1 alu d f
D2I 1 1 alu d i
I2D 1 1 alu i d
D2U 1 1 alu d u
U2D 1 1 alu u d
DABS 1 1 alu d d
DNEG 1 1 alu d d
DADD 1 2 alu d d
DMUL 1 2 alu d d
DDIV 1 2 alu d d
DMAX 1 2 alu d d
DMIN 1 2 alu d d
DSLT 1 2 alu d u
DSGE 1 2 alu d u
DSEQ 1 2 alu d u
DSNE 1 2 alu d u
DRCP 1 1 alu d d
DSQRT 1 1 alu d d
DRSQ 1 1 alu d d
DMAD 1 3 alu d d
DFMA 1 3 alu d d
DFRAC 1 1 alu d d
DTRUNC 1 1 alu d d
DCEIL 1 1 alu d d
DFLR 1 1 alu d d
DROUND 1 1 alu d d
DSSG 1 1 alu d d
INTERP_CENTROID 1 1 alu f f
INTERP_SAMPLE 1 2 alu f f
INTERP_OFFSET 1 2 alu f f
IF 0 1 flow f f
UIF 0 1 flow u u
ELSE 0 0 flow raw raw
ENDIF 0 0 flow raw raw
BGNLOOP 0 0 flow raw raw
ENDLOOP 0 0 flow raw raw
BRK 0 0 flow raw raw
CONT 0 0 flow raw raw
SWITCH 0 1 flow u u
CASE 0 1 flow u u
DEFAULT 0 0 flow raw raw
ENDSWITCH 0 0 flow raw raw
CAL 0 0 flow raw raw
RET 0 0 flow raw raw
BGNSUB 0 0 flow raw raw
ENDSUB 0 0 flow raw raw
END 0 0 flow raw raw
NOP 0 0 other raw raw
KILL 0 0 kill raw raw
KILL_IF 0 1 kill f f
EMIT 0 1 gs u u
ENDPRIM 0 1 gs u u
BARRIER 0 0 other raw raw
MEMBAR 0 1 other u u
TEX 1 2 tex f f
TXP 1 2 tex f f
TXB 1 2 tex f f
TXL 1 2 tex f f
TXD 1 4 tex f f
TXF 1 2 tex i f
TXF_LZ 1 2 tex i f
TEX_LZ 1 2 tex f f
TXQ 1 2 tex i i
TXQS 1 1 tex i i
LODQ 1 2 tex f f
TG4 1 3 tex f f
TEX2 1 3 tex f f
TXB2 1 3 tex f f
TXL2 1 3 tex f f
`;

function buildTable(): ReadonlyMap<string, TgsiOpcodeInfo> {
  const map = new Map<string, TgsiOpcodeInfo>();
  for (const line of TABLE.split("\n")) {
    const parts = line.trim().split(" ");
    if (parts.length !== 6) continue;
    const [name, numDst, numSrc, kind, srcType, dstType] = parts as [string, string, string, string, string, string];
    map.set(name, {
      name,
      numDst: Number(numDst),
      numSrc: Number(numSrc),
      kind: kind as TgsiOpcodeKind,
      srcType: srcType as TgsiValueType,
      dstType: dstType as TgsiValueType,
    });
  }
  return map;
}

/** Every opcode the parser accepts, by its TGSI text name (without `_SAT`/`_PRECISE`). */
export const TGSI_OPCODES: ReadonlyMap<string, TgsiOpcodeInfo> = buildTable();
