import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import type { VirglCmd } from "../protocol/commands.ts";
import { VirglObject } from "../protocol/commands.ts";
import type { VirglSurfaceDesc } from "../protocol/objects/surface.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import { isExecutedQuery } from "../render/queries.ts";
import { levelExtent } from "../resources/resource.ts";
import type { VirglStateObject } from "../state/sub-context.ts";
import { MAX_OBJECTS_PER_SUB_CTX, type VirglExecution } from "./execution.ts";
import type { ExecuteResult, Executor } from "./executor.ts";
import { continueShader, startShader } from "./shaders.ts";

/** A surface: checked against its resource's levels and layers, then stored apart from the other objects. */
function createSurface(x: VirglExecution, handle: number, desc: VirglSurfaceDesc): ExecuteResult {
  const sub = x.sub;
  const res = x.lookup(desc.resourceId);
  if (res instanceof VirglRefusal) return res;
  const s = res.state;
  const isBuffer = s.target === PipeTextureTarget.Buffer;
  const level = isBuffer ? 0 : desc.levelOrFirstElement;
  const firstLayer = isBuffer ? 0 : desc.layersOrLastElement & 0xffff;
  const lastLayer = isBuffer ? 0 : desc.layersOrLastElement >>> 16;
  if (!isBuffer) {
    const layers = levelExtent(s, Math.min(level, 31))[2];
    if (level >= s.levels || firstLayer > lastLayer || lastLayer >= layers) {
      return invalid(`surface level ${level} layers ${firstLayer}..${lastLayer}`);
    }
  }
  if (!sub.surfaces.has(handle) && sub.objectCount >= MAX_OBJECTS_PER_SUB_CTX) return invalid("too many objects");
  x.dropObject(handle);
  sub.surfaces.set(handle, {
    resourceId: desc.resourceId,
    format: desc.format,
    level,
    firstLayer,
    lastLayer,
    command: x.currentCommand(),
  });
  sub.framebufferVersion++;
  return undefined;
}

/** Stores `state` as object `c.handle`, replacing what had that handle, charged `c.bytes`. */
function storeObject(x: VirglExecution, c: VirglCommandOf<typeof VirglCmd.CreateObject>, state: VirglStateObject) {
  const sub = x.sub;
  const { handle } = c;
  if (!sub.objects.has(handle) && sub.objectCount >= MAX_OBJECTS_PER_SUB_CTX) return invalid("too many objects");
  const replaced = sub.objects.get(handle)?.bytes ?? 0;
  if (c.bytes > replaced) {
    const reserved = x.reserveBytes(c.bytes - replaced);
    if (reserved !== undefined) return reserved;
  } else {
    x.releaseBytes(replaced - c.bytes);
  }
  if (sub.surfaces.delete(handle)) sub.framebufferVersion++;
  x.forgetQuery(handle);
  sub.objects.set(handle, { type: c.objectType, state, bytes: c.bytes, commands: [x.currentCommand()] });
  return undefined;
}

/** CREATE_OBJECT: stores the parsed object in the current sub-context (a handle in use is replaced). */
export const executeCreateObject: Executor<typeof VirglCmd.CreateObject> = (x, c) => {
  const { desc } = c;
  switch (desc.kind) {
    case "surface":
      return createSurface(x, c.handle, desc);
    case "shader-continuation":
      return continueShader(x, c, desc);
    case "shader": {
      const shader = startShader(x, c.handle, desc);
      return shader instanceof VirglRefusal ? shader : storeObject(x, c, shader);
    }
    case "query":
      if (!isExecutedQuery(desc.queryType, desc.index))
        return invalid(`query type ${desc.queryType} index ${desc.index} (not advertised)`);
      return storeObject(x, c, desc);
    default:
      return storeObject(x, c, desc);
  }
};

/** DESTROY_OBJECT: forgets the object if it has that type (an unknown handle is ignored). */
export const executeDestroyObject: Executor<typeof VirglCmd.DestroyObject> = (x, c) => {
  const sub = x.sub;
  if (c.objectType === VirglObject.Surface || c.objectType === VirglObject.MsaaSurface) {
    if (sub.surfaces.delete(c.handle)) sub.framebufferVersion++;
  } else if (sub.objects.get(c.handle)?.type === c.objectType) {
    x.dropObject(c.handle);
  }
  return undefined;
};
