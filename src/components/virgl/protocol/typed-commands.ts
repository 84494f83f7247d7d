import type { Transfer3D } from "../../../rutabaga/types.ts";
import type { VirglCmd } from "./commands.ts";
import type { VirglBlendState } from "./objects/blend.ts";
import type { VirglDsaState } from "./objects/dsa.ts";
import type { VirglQueryDesc } from "./objects/query.ts";
import type { VirglRasterizerState } from "./objects/rasterizer.ts";
import type { VirglSamplerState } from "./objects/sampler-state.ts";
import type { VirglSamplerView } from "./objects/sampler-view.ts";
import type { VirglShaderContinuation, VirglShaderStart } from "./objects/shader.ts";
import type { VirglStreamoutTarget } from "./objects/streamout-target.ts";
import type { VirglSurfaceDesc } from "./objects/surface.ts";
import type { VirglVertexElementsState } from "./objects/vertex-elements.ts";

type Cmd = typeof VirglCmd;

/** What a CREATE_OBJECT carries, parsed once by object type. */
export type VirglObjectDesc =
  | VirglBlendState
  | VirglRasterizerState
  | VirglDsaState
  | VirglShaderStart
  | VirglShaderContinuation
  | VirglVertexElementsState
  | VirglSamplerView
  | VirglSamplerState
  | VirglSurfaceDesc
  | VirglQueryDesc
  | VirglStreamoutTarget;

/** A transfer box with the resource it addresses (`VIRGL_RESOURCE_IW_*`). */
export interface VirglResourceBox {
  readonly resourceId: number;
  readonly box: Transfer3D;
}

/** One side of a BLIT. */
export interface VirglBlitSide {
  readonly resourceId: number;
  readonly level: number;
  readonly format: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly w: number;
  readonly h: number;
  readonly d: number;
}

/** A viewport: scale and translate, xyz each. */
export interface VirglViewport {
  readonly scale: readonly [number, number, number];
  readonly translate: readonly [number, number, number];
}

/** A scissor rectangle (max exclusive). */
export interface VirglScissor {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** A buffer range binding (shader buffers, atomic buffers). */
export interface VirglBufferRange {
  readonly offset: number;
  readonly length: number;
  readonly resourceId: number;
}

/** An image binding (`VIRGL_SET_SHADER_IMAGE_*`). */
export interface VirglImageBinding {
  readonly format: number;
  readonly access: number;
  readonly layerOffset: number;
  readonly levelSize: number;
  readonly resourceId: number;
}

/** A vertex buffer binding. */
export interface VirglVertexBuffer {
  readonly stride: number;
  readonly offset: number;
  readonly resourceId: number;
}

/** The fields of a DRAW_VBO (`VIRGL_DRAW_VBO_*`); tessellation and indirect words are 0 when absent. */
export interface VirglDrawInfo {
  readonly start: number;
  readonly count: number;
  readonly mode: number;
  readonly indexed: boolean;
  readonly instanceCount: number;
  readonly indexBias: number;
  readonly startInstance: number;
  readonly primitiveRestart: boolean;
  readonly restartIndex: number;
  readonly minIndex: number;
  readonly maxIndex: number;
  readonly countFromSo: number;
  readonly verticesPerPatch: number;
  readonly drawId: number;
  readonly indirectHandle: number;
  readonly indirectOffset: number;
  readonly indirectStride: number;
  readonly indirectDrawCount: number;
  readonly indirectDrawCountOffset: number;
  readonly indirectDrawCountHandle: number;
}

/** A decoded virgl command: `cmd` is its `VirglCmd` id, the other fields are its payload by name. */
export type VirglCommand =
  | { readonly cmd: Cmd["Nop"] | Cmd["EndTransfers"] }
  | {
      readonly cmd: Cmd["CreateObject"];
      readonly objectType: number;
      readonly handle: number;
      readonly desc: VirglObjectDesc;
      readonly bytes: number;
    }
  | { readonly cmd: Cmd["BindObject"] | Cmd["DestroyObject"]; readonly objectType: number; readonly handle: number }
  | { readonly cmd: Cmd["SetViewportState"]; readonly startSlot: number; readonly viewports: readonly VirglViewport[] }
  | { readonly cmd: Cmd["SetFramebufferState"]; readonly zsSurface: number; readonly colorSurfaces: readonly number[] }
  | { readonly cmd: Cmd["SetVertexBuffers"]; readonly buffers: readonly VirglVertexBuffer[] }
  | {
      readonly cmd: Cmd["Clear"];
      readonly buffers: number;
      /** The colour's 16 bytes as sent (float, int or uint by the attachment's format). */
      readonly color: Uint8Array;
      readonly depth: number;
      readonly stencil: number;
    }
  | ({ readonly cmd: Cmd["DrawVbo"] } & VirglDrawInfo)
  | ({ readonly cmd: Cmd["ResourceInlineWrite"]; readonly data: Uint8Array } & VirglResourceBox)
  | {
      readonly cmd: Cmd["SetSamplerViews"] | Cmd["BindSamplerStates"];
      readonly stage: number;
      readonly startSlot: number;
      readonly handles: readonly number[];
    }
  | {
      readonly cmd: Cmd["SetIndexBuffer"];
      readonly resourceId: number;
      readonly indexSize: number;
      readonly offset: number;
    }
  | {
      readonly cmd: Cmd["SetConstantBuffer"];
      readonly stage: number;
      readonly index: number;
      readonly data: Uint32Array;
    }
  | { readonly cmd: Cmd["SetStencilRef"]; readonly front: number; readonly back: number }
  | { readonly cmd: Cmd["SetBlendColor"]; readonly color: readonly [number, number, number, number] }
  | { readonly cmd: Cmd["SetScissorState"]; readonly startSlot: number; readonly scissors: readonly VirglScissor[] }
  | {
      readonly cmd: Cmd["Blit"];
      readonly mask: number;
      readonly filter: number;
      readonly scissorEnable: boolean;
      readonly renderConditionEnable: boolean;
      readonly alphaBlend: boolean;
      readonly scissor: VirglScissor;
      readonly dst: VirglBlitSide;
      readonly src: VirglBlitSide;
    }
  | {
      readonly cmd: Cmd["ResourceCopyRegion"];
      readonly dst: {
        readonly resourceId: number;
        readonly level: number;
        readonly x: number;
        readonly y: number;
        readonly z: number;
      };
      readonly src: {
        readonly resourceId: number;
        readonly level: number;
        readonly x: number;
        readonly y: number;
        readonly z: number;
      };
      readonly w: number;
      readonly h: number;
      readonly d: number;
    }
  | { readonly cmd: Cmd["BeginQuery"] | Cmd["EndQuery"]; readonly handle: number }
  | { readonly cmd: Cmd["GetQueryResult"]; readonly handle: number; readonly wait: boolean }
  | { readonly cmd: Cmd["SetPolygonStipple"]; readonly pattern: Uint32Array }
  | { readonly cmd: Cmd["SetClipState"]; readonly planes: Float32Array }
  | { readonly cmd: Cmd["SetSampleMask"]; readonly mask: number }
  | { readonly cmd: Cmd["SetStreamoutTargets"]; readonly appendBitmask: number; readonly handles: readonly number[] }
  | {
      readonly cmd: Cmd["SetRenderCondition"];
      readonly handle: number;
      readonly condition: boolean;
      readonly mode: number;
    }
  | {
      readonly cmd: Cmd["SetUniformBuffer"];
      readonly stage: number;
      readonly index: number;
      readonly offset: number;
      readonly length: number;
      readonly resourceId: number;
    }
  | { readonly cmd: Cmd["SetSubCtx"] | Cmd["CreateSubCtx"] | Cmd["DestroySubCtx"]; readonly subCtxId: number }
  | { readonly cmd: Cmd["BindShader"]; readonly handle: number; readonly stage: number }
  | { readonly cmd: Cmd["SetTessState"]; readonly outer: readonly number[]; readonly inner: readonly number[] }
  | { readonly cmd: Cmd["SetMinSamples"]; readonly minSamples: number }
  | {
      readonly cmd: Cmd["SetShaderBuffers"];
      readonly stage: number;
      readonly startSlot: number;
      readonly buffers: readonly VirglBufferRange[];
    }
  | {
      readonly cmd: Cmd["SetShaderImages"];
      readonly stage: number;
      readonly startSlot: number;
      readonly images: readonly VirglImageBinding[];
    }
  | { readonly cmd: Cmd["MemoryBarrier"] | Cmd["TextureBarrier"]; readonly flags: number }
  | {
      readonly cmd: Cmd["LaunchGrid"];
      readonly block: readonly number[];
      readonly grid: readonly number[];
      readonly indirectHandle: number;
      readonly indirectOffset: number;
    }
  | {
      readonly cmd: Cmd["SetFramebufferStateNoAttach"];
      readonly width: number;
      readonly height: number;
      readonly layers: number;
      readonly samples: number;
    }
  | { readonly cmd: Cmd["SetAtomicBuffers"]; readonly startSlot: number; readonly buffers: readonly VirglBufferRange[] }
  | { readonly cmd: Cmd["SetDebugFlags"]; readonly flags: number }
  | {
      readonly cmd: Cmd["GetQueryResultQbo"];
      readonly handle: number;
      readonly qboHandle: number;
      readonly wait: boolean;
      readonly resultType: number;
      readonly offset: number;
      readonly index: number;
    }
  | ({ readonly cmd: Cmd["Transfer3D"]; readonly direction: number } & VirglResourceBox)
  | ({ readonly cmd: Cmd["CopyTransfer3D"]; readonly srcResourceId: number } & VirglResourceBox)
  | { readonly cmd: Cmd["SetTweaks"]; readonly id: number; readonly value: number }
  | ({ readonly cmd: Cmd["ClearTexture"]; readonly level: number; readonly data: Uint8Array } & {
      readonly resourceId: number;
      readonly x: number;
      readonly y: number;
      readonly z: number;
      readonly w: number;
      readonly h: number;
      readonly d: number;
    })
  | {
      /** Commands of the newer protocol this component neither executes nor advertises; only their length is checked. */
      readonly cmd:
        | Cmd["PipeResourceCreate"]
        | Cmd["PipeResourceSetType"]
        | Cmd["GetMemoryInfo"]
        | Cmd["SendStringMarker"]
        | Cmd["LinkShader"];
    };

/** The typed command with id `C`. */
export type VirglCommandOf<C extends number> = CommandWithId<VirglCommand, C>;
type CommandWithId<T, C> = T extends { readonly cmd: infer K } ? (C extends K ? T : never) : never;
