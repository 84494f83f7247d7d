import { RasterizerOffset } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/** A rasterizer state object (`VIRGL_OBJ_RS_*`; fill modes `PIPE_POLYGON_MODE_*`, cull `PIPE_FACE_*`). */
export interface VirglRasterizerState {
  readonly kind: "rasterizer";
  readonly flatshade: boolean;
  readonly depthClip: boolean;
  readonly clipHalfz: boolean;
  readonly rasterizerDiscard: boolean;
  readonly flatshadeFirst: boolean;
  readonly lightTwoside: boolean;
  readonly spriteCoordMode: number;
  readonly pointQuadRasterization: boolean;
  readonly cullFace: number;
  readonly fillFront: number;
  readonly fillBack: number;
  readonly scissor: boolean;
  readonly frontCcw: boolean;
  readonly clampVertexColor: boolean;
  readonly clampFragmentColor: boolean;
  readonly offsetLine: boolean;
  readonly offsetPoint: boolean;
  readonly offsetTri: boolean;
  readonly polySmooth: boolean;
  readonly polyStipple: boolean;
  readonly pointSmooth: boolean;
  readonly pointSizePerVertex: boolean;
  readonly multisample: boolean;
  readonly lineSmooth: boolean;
  readonly lineStipple: boolean;
  readonly lineLastPixel: boolean;
  readonly halfPixelCenter: boolean;
  readonly bottomEdgeRule: boolean;
  readonly forcePersampleInterp: boolean;
  readonly pointSize: number;
  readonly spriteCoordEnable: number;
  readonly lineStipplePattern: number;
  readonly lineStippleFactor: number;
  readonly clipPlaneEnable: number;
  readonly lineWidth: number;
  readonly offsetUnits: number;
  readonly offsetScale: number;
  readonly offsetClamp: number;
}

/** Parses a rasterizer object at header index `p` (exactly 9 payload dwords). */
export function parseRasterizer(r: DwordReader, p: number): VirglRasterizerState {
  const s0 = r.u32(p + RasterizerOffset.S0);
  const s3 = r.u32(p + RasterizerOffset.S3);
  const b = (n: number) => ((s0 >>> n) & 1) === 1;
  return {
    kind: "rasterizer",
    flatshade: b(0),
    depthClip: b(1),
    clipHalfz: b(2),
    rasterizerDiscard: b(3),
    flatshadeFirst: b(4),
    lightTwoside: b(5),
    spriteCoordMode: (s0 >>> 6) & 1,
    pointQuadRasterization: b(7),
    cullFace: (s0 >>> 8) & 0x3,
    fillFront: (s0 >>> 10) & 0x3,
    fillBack: (s0 >>> 12) & 0x3,
    scissor: b(14),
    frontCcw: b(15),
    clampVertexColor: b(16),
    clampFragmentColor: b(17),
    offsetLine: b(18),
    offsetPoint: b(19),
    offsetTri: b(20),
    polySmooth: b(21),
    polyStipple: b(22),
    pointSmooth: b(23),
    pointSizePerVertex: b(24),
    multisample: b(25),
    lineSmooth: b(26),
    lineStipple: b(27),
    lineLastPixel: b(28),
    halfPixelCenter: b(29),
    bottomEdgeRule: b(30),
    forcePersampleInterp: b(31),
    pointSize: r.f32(p + RasterizerOffset.PointSize),
    spriteCoordEnable: r.u32(p + RasterizerOffset.SpriteCoordEnable),
    lineStipplePattern: s3 & 0xffff,
    lineStippleFactor: (s3 >>> 16) & 0xff,
    clipPlaneEnable: s3 >>> 24,
    lineWidth: r.f32(p + RasterizerOffset.LineWidth),
    offsetUnits: r.f32(p + RasterizerOffset.OffsetUnits),
    offsetScale: r.f32(p + RasterizerOffset.OffsetScale),
    offsetClamp: r.f32(p + RasterizerOffset.OffsetClamp),
  };
}
