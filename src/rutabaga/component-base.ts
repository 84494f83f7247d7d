import type { ComponentRestoreInput, PreparedRestore, RutabagaComponent, RutabagaContext } from "./component.ts";
import type { RutabagaComponentType } from "./constants.ts";
import { RutabagaError } from "./error.ts";
import type { IovecList } from "./iovec-list.ts";
import type { Rect2D } from "./rect.ts";
import { emptyResource, type RutabagaResource } from "./resource.ts";
import type {
  ResourceCreate3D,
  ResourceCreateBlob,
  RutabagaFence,
  RutabagaHandle,
  ScanoutPixels,
  ScanoutTarget,
  Transfer3D,
} from "./types.ts";

function unsupported(what: string): never {
  throw new RutabagaError("Unsupported", what);
}

/** rutabaga_gfx's default behaviour for every component method (its trait's default bodies); extend and override. */
export abstract class RutabagaComponentBase implements RutabagaComponent {
  abstract readonly componentType: RutabagaComponentType;
  /** rutabaga_gfx's components present nothing on flush: the VMM's display does. */
  readonly presentsFlush: boolean = false;

  getCapsetInfo(_capsetId: number): { version: number; size: number } {
    return { version: 0, size: 0 };
  }
  getCapset(_capsetId: number, _version: number): Uint8Array {
    return new Uint8Array(0);
  }
  forceCtx0(): void {}
  /** The trait default accepts the fence and never signals it. */
  createFence(_fence: RutabagaFence): void {}
  eventPoll(): void {}
  pollDescriptor(): RutabagaHandle | undefined {
    return undefined;
  }
  createResource3d(resourceId: number, _create: ResourceCreate3D): RutabagaResource {
    return emptyResource(resourceId);
  }
  attachBacking(_resource: RutabagaResource, _backing: IovecList): void {}
  detachBacking(_resource: RutabagaResource): void {}
  unrefResource(_resource: RutabagaResource): void {}
  transferWrite(_ctxId: number, _r: RutabagaResource, _t: Transfer3D, _buf: Uint8Array | undefined): void {}
  transferRead(_ctxId: number, _r: RutabagaResource, _t: Transfer3D, _buf: Uint8Array | undefined): void {}
  resourceFlush(_resource: RutabagaResource): void {
    unsupported("resource flush");
  }
  readScanout(_resource: RutabagaResource, _rect: Rect2D, _target: ScanoutTarget, _imageOffset: number): ScanoutPixels {
    return unsupported("scanout read-back");
  }
  createBlob(
    _ctxId: number,
    _resourceId: number,
    _create: ResourceCreateBlob,
    _backing: IovecList | undefined,
    _handle: RutabagaHandle | undefined,
  ): RutabagaResource {
    return unsupported("blob resources");
  }
  map(_resource: RutabagaResource): Uint8Array {
    return unsupported("map");
  }
  unmap(_resource: RutabagaResource): void {
    unsupported("unmap");
  }
  exportFence(_fenceId: bigint): RutabagaHandle {
    return unsupported("fence export");
  }
  createContext(_ctxId: number, _contextInit: number, _name: string | undefined): RutabagaContext {
    return unsupported("contexts");
  }
  suspend(): void {}
  resume(): void {}
  snapshot(): Uint8Array {
    return unsupported("component snapshot");
  }
  restore(_bytes: Uint8Array): void {
    unsupported("component restore");
  }
  restoreContext(_ctxId: number, _bytes: Uint8Array): RutabagaContext {
    return unsupported("context restore");
  }
  snapshotResource(_resource: RutabagaResource): Uint8Array | undefined {
    return undefined;
  }
  /**
   * Contexts through {@link restoreContext}, then {@link restore} with the component's state: for components whose
   * resources live whole in the library's records. A resource with component bytes is refused.
   */
  prepareRestore(input: ComponentRestoreInput): PreparedRestore {
    for (const r of input.resources) {
      if (r.state !== undefined) {
        throw new RutabagaError("SnapshotError", `resource ${r.resource.resourceId} has state this component lacks`);
      }
    }
    const contexts = new Map<number, RutabagaContext>();
    try {
      for (const c of input.contexts) contexts.set(c.ctxId, this.restoreContext(c.ctxId, c.state));
      if (input.state !== undefined) this.restore(input.state);
    } catch (e) {
      for (const ctx of contexts.values()) ctx.destroy();
      throw e;
    }
    return {
      contexts,
      commit: () => {},
      discard: () => {
        for (const ctx of contexts.values()) ctx.destroy();
      },
    };
  }
  destroy(): void {}
}
