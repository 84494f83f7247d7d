import { PipeTextureTarget, VirglBind } from "../../../rutabaga/constants.ts";
import { RutabagaError } from "../../../rutabaga/error.ts";
import { RESOURCE_CREATE_3D_FIELDS, type ResourceCreate3D } from "../../../rutabaga/types.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import type { ReadbackScratch } from "../resources/readback-scratch.ts";
import {
  allocateResource,
  levelByteLength,
  planResource,
  type ResourceLimits,
  releaseResource,
  transferFromHost,
  transferToHost,
  type VirglResource,
  type VirglResourceState,
  wholeLevelBox,
} from "../resources/resource.ts";
import { SectionReader, SectionWriter } from "./section-codec.ts";

/** First word of a virgl resource section ("VRS1"). */
const RESOURCE_SECTION_TAG = 0x3153_5256;

/** Whether the GL object holds contents a snapshot must carry (staging buffers live in guest backing only). */
function hasHostContents(s: VirglResourceState): boolean {
  return s.glName !== 0;
}

/**
 * A virgl resource as a snapshot section: the create request, then every level's contents read back from the GL
 * (tightly packed, all layers; a buffer whole). Multisampled contents cannot be read back and are refused.
 */
export function snapshotVirglResource(gl: HostGl, r: VirglResource, scratch: ReadbackScratch): Uint8Array {
  const w = new SectionWriter().u32(RESOURCE_SECTION_TAG);
  for (const f of RESOURCE_CREATE_3D_FIELDS) w.u32(r.create[f]);
  const s = r.state;
  if (!hasHostContents(s)) return w.u32(0).finish();
  if (s.samples > 1) {
    throw new RutabagaError(
      "Unsupported",
      `resource ${r.record.resourceId} is multisampled; its samples cannot be saved`,
    );
  }
  w.u32(s.levels);
  gl.ensureCurrent();
  for (let level = 0; level < s.levels; level++) {
    const bytes = new Uint8Array(levelByteLength(s, level));
    transferFromHost(gl, s, { kind: "buffer", bytes }, wholeLevelBox(s, level), scratch);
    w.bytes(bytes);
  }
  return w.finish();
}

/** A resource section decoded and checked against this host, before any GL object exists. */
export interface PlannedVirglResource {
  readonly create: ResourceCreate3D;
  readonly state: VirglResourceState;
  /** Each level's contents (none for a staging buffer). */
  readonly levels: readonly Uint8Array[];
}

/**
 * Decodes a resource section: the create request passes the same checks a guest's does on this host (so a crafted
 * snapshot can ask for nothing a guest could not), and the contents must be exactly what that resource holds.
 */
export function planVirglResource(bytes: Uint8Array, resourceId: number, limits: ResourceLimits): PlannedVirglResource {
  const what = `resource ${resourceId}'s virgl section`;
  const r = new SectionReader(bytes, what);
  if (r.u32() !== RESOURCE_SECTION_TAG) throw new RutabagaError("SnapshotError", `${what} has no virgl tag`);
  const create = {} as ResourceCreate3D;
  for (const f of RESOURCE_CREATE_3D_FIELDS) create[f] = r.u32();
  let state: VirglResourceState;
  try {
    state = planResource(create, limits);
  } catch (e) {
    if (e instanceof RutabagaError) throw new RutabagaError("SnapshotError", `${what}: ${e.message}`);
    throw e;
  }
  const staging = create.target === PipeTextureTarget.Buffer && (create.bind & VirglBind.Staging) !== 0;
  const count = r.count(32, "level count");
  const expected = staging ? 0 : state.levels;
  if (count !== expected) throw new RutabagaError("SnapshotError", `${what} has ${count} levels, expected ${expected}`);
  const levels: Uint8Array[] = [];
  for (let level = 0; level < count; level++) {
    const data = r.bytes();
    const n = levelByteLength(state, level);
    if (data.byteLength !== n) {
      throw new RutabagaError("SnapshotError", `${what}: level ${level} has ${data.byteLength} bytes, expected ${n}`);
    }
    levels.push(data);
  }
  r.end();
  if (count > 0 && state.samples > 1) throw new RutabagaError("SnapshotError", `${what}: multisampled contents`);
  return { create, state, levels };
}

/** Creates the GL object of a planned resource and uploads its contents (the host context must be current). */
export function buildVirglResource(gl: HostGl, p: PlannedVirglResource): void {
  allocateResource(gl, p.state);
  try {
    p.levels.forEach((bytes, level) => {
      transferToHost(gl, p.state, { kind: "buffer", bytes }, wholeLevelBox(p.state, level));
    });
  } catch (e) {
    releaseResource(gl, p.state);
    throw e;
  }
}
