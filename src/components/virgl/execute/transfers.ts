import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import type { BackingReadObserver } from "../../../rutabaga/types.ts";
import { type VirglCmd, VirglTransferDirection } from "../protocol/commands.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import { type TransferMemory, transferFromHost, transferToHost, type VirglResource } from "../resources/resource.ts";
import type { Executor } from "./executor.ts";

/** The guest memory backing `res` (reads reported to `onRead`), or an `iovec` refusal. */
function backingOf(res: VirglResource, onRead: BackingReadObserver | undefined): TransferMemory | VirglRefusal {
  const backing = res.record.backing;
  const resourceId = res.record.resourceId;
  if (backing === undefined) return new VirglRefusal("iovec", `resource ${resourceId} has no backing`);
  return { kind: "iovecs", list: backing, onRead, resourceId };
}

/** TRANSFER3D: a box between a resource and its backing, in the direction given. */
export const executeTransfer3D: Executor<typeof VirglCmd.Transfer3D> = (x, c) => {
  const res = x.lookup(c.resourceId);
  if (res instanceof VirglRefusal) return res;
  if (c.direction !== VirglTransferDirection.ToHost && c.direction !== VirglTransferDirection.FromHost) {
    return invalid(`transfer direction ${c.direction}`);
  }
  const mem = backingOf(res, c.direction === VirglTransferDirection.ToHost ? x.backingReads : undefined);
  if (mem instanceof VirglRefusal) return mem;
  if (c.direction === VirglTransferDirection.ToHost) transferToHost(x.gl, res.state, mem, c.box);
  else {
    x.renderer.settleShaderWrites();
    transferFromHost(x.gl, res.state, mem, c.box, x.readbackScratch);
  }
  return undefined;
};

/** RESOURCE_INLINE_WRITE: a box written from the command's own bytes. */
export const executeResourceInlineWrite: Executor<typeof VirglCmd.ResourceInlineWrite> = (x, c) => {
  const res = x.lookup(c.resourceId);
  if (res instanceof VirglRefusal) return res;
  transferToHost(x.gl, res.state, { kind: "buffer", bytes: c.data }, c.box);
  return undefined;
};

/** COPY_TRANSFER3D: a box written from another (buffer) resource's backing. */
export const executeCopyTransfer3D: Executor<typeof VirglCmd.CopyTransfer3D> = (x, c) => {
  const dst = x.lookup(c.resourceId);
  if (dst instanceof VirglRefusal) return dst;
  const src = x.lookup(c.srcResourceId);
  if (src instanceof VirglRefusal) return src;
  if (src.state.target !== PipeTextureTarget.Buffer) return invalid("copy transfer source must be a buffer");
  const mem = backingOf(src, x.backingReads);
  if (mem instanceof VirglRefusal) return mem;
  transferToHost(x.gl, dst.state, mem, c.box);
  return undefined;
};
