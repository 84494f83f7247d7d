import { VIRGL_CMD_COUNT, VIRGL_CMD_NAMES } from "../protocol/commands.ts";
import { executeClear, executeClearTexture } from "./clear.ts";
import { executeLaunchGrid } from "./compute.ts";
import { executeBlit, executeResourceCopyRegion } from "./copy.ts";
import { executeDrawVbo } from "./draw.ts";
import {
  type AnyExecutor,
  type ExecutorTable,
  ignore,
  UNSUPPORTED,
  type Unsupported,
  type VirglCmdName,
} from "./executor.ts";
import { executeSetFramebufferState, executeSetFramebufferStateNoAttach } from "./framebuffer.ts";
import {
  executeMemoryBarrier,
  executeSetAtomicBuffers,
  executeSetShaderBuffers,
  executeSetShaderImages,
  executeTextureBarrier,
} from "./memory.ts";
import { executeCreateObject, executeDestroyObject } from "./objects.ts";
import {
  executeBeginQuery,
  executeEndQuery,
  executeGetQueryResult,
  executeGetQueryResultQbo,
  executeSetRenderCondition,
} from "./queries.ts";
import {
  executeBindObject,
  executeBindSamplerStates,
  executeBindShader,
  executeSetBlendColor,
  executeSetClipState,
  executeSetConstantBuffer,
  executeSetIndexBuffer,
  executeSetMinSamples,
  executeSetPolygonStipple,
  executeSetSampleMask,
  executeSetSamplerViews,
  executeSetScissorState,
  executeSetStencilRef,
  executeSetStreamoutTargets,
  executeSetUniformBuffer,
  executeSetVertexBuffers,
  executeSetViewportState,
} from "./setters.ts";
import { executeCreateSubCtx, executeDestroySubCtx, executeSetSubCtx } from "./sub-contexts.ts";
import { executeSetTessState } from "./tessellation.ts";
import { executeCopyTransfer3D, executeResourceInlineWrite, executeTransfer3D } from "./transfers.ts";

/** The executor table, keyed by `VirglCmd` beside the decoder table: what each decoded command does on the host. */
export const VIRGL_EXECUTORS: ExecutorTable = {
  Nop: ignore,
  CreateObject: executeCreateObject,
  BindObject: executeBindObject,
  DestroyObject: executeDestroyObject,
  SetViewportState: executeSetViewportState,
  SetFramebufferState: executeSetFramebufferState,
  SetVertexBuffers: executeSetVertexBuffers,
  Clear: executeClear,
  DrawVbo: executeDrawVbo,
  ResourceInlineWrite: executeResourceInlineWrite,
  SetSamplerViews: executeSetSamplerViews,
  SetIndexBuffer: executeSetIndexBuffer,
  SetConstantBuffer: executeSetConstantBuffer,
  SetStencilRef: executeSetStencilRef,
  SetBlendColor: executeSetBlendColor,
  SetScissorState: executeSetScissorState,
  Blit: executeBlit,
  ResourceCopyRegion: executeResourceCopyRegion,
  BindSamplerStates: executeBindSamplerStates,
  BeginQuery: executeBeginQuery,
  EndQuery: executeEndQuery,
  GetQueryResult: executeGetQueryResult,
  SetPolygonStipple: executeSetPolygonStipple,
  SetClipState: executeSetClipState,
  SetSampleMask: executeSetSampleMask,
  SetStreamoutTargets: executeSetStreamoutTargets,
  SetRenderCondition: executeSetRenderCondition,
  SetUniformBuffer: executeSetUniformBuffer,
  SetSubCtx: executeSetSubCtx,
  CreateSubCtx: executeCreateSubCtx,
  DestroySubCtx: executeDestroySubCtx,
  BindShader: executeBindShader,
  SetTessState: executeSetTessState,
  SetMinSamples: executeSetMinSamples,
  SetShaderBuffers: executeSetShaderBuffers,
  SetShaderImages: executeSetShaderImages,
  MemoryBarrier: executeMemoryBarrier,
  LaunchGrid: executeLaunchGrid,
  SetFramebufferStateNoAttach: executeSetFramebufferStateNoAttach,
  TextureBarrier: executeTextureBarrier,
  SetAtomicBuffers: executeSetAtomicBuffers,
  SetDebugFlags: UNSUPPORTED,
  GetQueryResultQbo: executeGetQueryResultQbo,
  Transfer3D: executeTransfer3D,
  EndTransfers: ignore,
  CopyTransfer3D: executeCopyTransfer3D,
  SetTweaks: UNSUPPORTED,
  ClearTexture: executeClearTexture,
  PipeResourceCreate: UNSUPPORTED,
  PipeResourceSetType: UNSUPPORTED,
  GetMemoryInfo: UNSUPPORTED,
  SendStringMarker: UNSUPPORTED,
  LinkShader: UNSUPPORTED,
};

/** The table by numeric id, for the per-command lookup. */
const EXECUTORS_BY_ID: readonly (AnyExecutor | Unsupported)[] = Array.from(
  { length: VIRGL_CMD_COUNT },
  (_, cmd) => VIRGL_EXECUTORS[VIRGL_CMD_NAMES[cmd] as VirglCmdName] as AnyExecutor | Unsupported,
);

/** The table entry of command id `cmd` (every decoded command has one). */
export function executorOf(cmd: number): AnyExecutor | Unsupported {
  return EXECUTORS_BY_ID[cmd] ?? UNSUPPORTED;
}
