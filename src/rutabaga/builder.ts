import { Rutabaga2D } from "../components/2d/rutabaga-2d.ts";
import type { ComponentInit, RutabagaComponent, RutabagaComponentFactory } from "./component.ts";
import { RutabagaCapset, RutabagaComponentType } from "./constants.ts";
import { RutabagaError } from "./error.ts";
import { DEFAULT_HOST_MEMORY_LIMIT, HostMemoryBudget } from "./host-memory.ts";
import { type CapsetEntry, capsetEntry, Rutabaga } from "./rutabaga.ts";
import type { RutabagaFenceHandler, RutabagaPath } from "./types.ts";
import { checkU32, checkU64 } from "./validate.ts";

const C = RutabagaCapset;
const VIRGL_CAPSETS = [C.Virgl, C.Virgl2, C.Venus, C.Drm] as const;
const GFXSTREAM_CAPSETS = [C.GfxstreamVulkan, C.GfxstreamGles, C.GfxstreamComposer] as const;

/**
 * Configures and builds a {@link Rutabaga}. A non-zero capset mask picks the default component as rutabaga_gfx does
 * (gfxstream, then virgl for virgl2/venus/drm, else cross-domain); mask 0 is legacy mode, where
 * `setDefaultComponent` decides and every capset of the present components is listed.
 * Components other than 2D come from factories registered with `setComponentFactory` (a host binding such as
 * `rutabaga-ts/node` provides them); asking for one without a factory is `InvalidRutabagaBuild`.
 */
export class RutabagaBuilder {
  readonly #capsetMask: bigint;
  readonly #fenceHandler: RutabagaFenceHandler;
  #defaultComponent: RutabagaComponentType = RutabagaComponentType.NoneSelected;
  #displayWidth = 1280;
  #displayHeight = 1024;
  #paths: RutabagaPath[] = [];
  #hostMemoryLimit = DEFAULT_HOST_MEMORY_LIMIT;
  readonly #factories = new Map<RutabagaComponentType, RutabagaComponentFactory>();
  #warn: (message: string) => void = () => {};
  #consoleOn2D = false;

  /** `capsetMask` has bit `1 << capset_id` per enabled capset; `fenceHandler` receives completed fences. */
  constructor(capsetMask: bigint, fenceHandler: RutabagaFenceHandler) {
    this.#capsetMask = checkU64(capsetMask, "capset mask");
    if (typeof fenceHandler !== "function") throw new RutabagaError("InvalidRutabagaBuild", "fence handler required");
    this.#fenceHandler = fenceHandler;
    this.#factories.set(RutabagaComponentType.Rutabaga2D, (init) => new Rutabaga2D(init.fenceHandler, init.hostMemory));
  }

  /** The default component in legacy mode (ignored when the capset mask is non-zero). */
  setDefaultComponent(type: RutabagaComponentType): this {
    this.#defaultComponent = type;
    return this;
  }

  /** Display width handed to components (gfxstream's window size). */
  setDisplayWidth(width: number): this {
    this.#displayWidth = checkU32(width, "display width");
    return this;
  }

  /** Display height handed to components. */
  setDisplayHeight(height: number): this {
    this.#displayHeight = checkU32(height, "display height");
    return this;
  }

  /** Host paths: cross-domain channels (Wayland sockets) and the render node for virgl. */
  setRutabagaPaths(paths: readonly RutabagaPath[] | undefined): this {
    this.#paths = paths === undefined ? [] : paths.map((p) => ({ ...p }));
    return this;
  }

  /** Most host bytes held for guest resources at once (default 256 MiB, as QEMU's `max_hostmem`). */
  setHostMemoryLimit(bytes: number): this {
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw new RutabagaError("CheckedRange", `host memory limit ${bytes}`);
    this.#hostMemoryLimit = bytes;
    return this;
  }

  /** Provides a component the core cannot build by itself (virgl on host GL, cross-domain on host sockets). */
  setComponentFactory(type: RutabagaComponentType, factory: RutabagaComponentFactory): this {
    this.#factories.set(type, factory);
    return this;
  }

  /**
   * With another default component (virgl), also builds the 2D component and serves `resourceCreate2d` resources
   * with it: a virtio-gpu console's pixels then stay on the CPU instead of becoming GL textures read back per flush
   * (our choice; rutabaga_gfx and QEMU hand them to virgl). Off by default.
   */
  setConsoleOn2D(enabled: boolean): this {
    this.#consoleOn2D = enabled;
    return this;
  }

  /** Receives warnings such as a virgl component falling back to 2D. */
  setWarningHandler(warn: (message: string) => void): this {
    this.#warn = warn;
    return this;
  }

  /** Builds the library object (rutabaga_gfx's `build`, same capset order). */
  build(): Rutabaga {
    const mask = this.#capsetMask;
    const enabled = (id: number) => (mask & (1n << BigInt(id))) !== 0n;
    const capsets: CapsetEntry[] = [];
    const pushCapset = (id: number) => {
      if (mask === 0n || enabled(id)) capsets.push(capsetEntry(id));
    };
    let defaultType = this.#defaultComponent;
    if (mask !== 0n) {
      if (GFXSTREAM_CAPSETS.some(enabled)) defaultType = RutabagaComponentType.Gfxstream;
      else if ([C.Virgl2, C.Venus, C.Drm].some(enabled)) defaultType = RutabagaComponentType.VirglRenderer;
      else defaultType = RutabagaComponentType.CrossDomain;
    }
    const hostMemory = new HostMemoryBudget(this.#hostMemoryLimit);
    const init: ComponentInit = {
      capsetMask: mask,
      fenceHandler: this.#fenceHandler,
      paths: this.#paths,
      displayWidth: this.#displayWidth,
      displayHeight: this.#displayHeight,
      hostMemory,
    };
    const components = new Map<RutabagaComponentType, RutabagaComponent>();
    const make = (type: RutabagaComponentType): RutabagaComponent => {
      const factory = this.#factories.get(type);
      if (factory === undefined) throw new RutabagaError("InvalidRutabagaBuild", `no factory for component ${type}`);
      return factory(init);
    };
    try {
      if (defaultType !== RutabagaComponentType.Rutabaga2D) {
        if (defaultType === RutabagaComponentType.VirglRenderer) {
          if (!this.#factories.has(defaultType)) {
            throw new RutabagaError("InvalidRutabagaBuild", "virgl requested but no virgl component is available");
          }
          try {
            components.set(defaultType, make(defaultType));
            for (const id of VIRGL_CAPSETS) pushCapset(id);
          } catch (e) {
            this.#warn(`virgl component failed to start, falling back to 2D: ${String(e)}`);
            defaultType = RutabagaComponentType.Rutabaga2D;
          }
        } else if (defaultType === RutabagaComponentType.Gfxstream) {
          components.set(defaultType, make(defaultType));
          for (const id of GFXSTREAM_CAPSETS) pushCapset(id);
        }
        if (defaultType !== RutabagaComponentType.Rutabaga2D) {
          if (enabled(C.Magma) && this.#factories.has(RutabagaComponentType.Magma)) {
            components.set(RutabagaComponentType.Magma, make(RutabagaComponentType.Magma));
            pushCapset(C.Magma);
          }
          if (this.#factories.has(RutabagaComponentType.CrossDomain)) {
            components.set(RutabagaComponentType.CrossDomain, make(RutabagaComponentType.CrossDomain));
            pushCapset(C.CrossDomain);
          } else if (defaultType === RutabagaComponentType.CrossDomain) {
            throw new RutabagaError("InvalidRutabagaBuild", "cross-domain requested but no cross-domain component");
          }
        }
      }
      if (defaultType === RutabagaComponentType.Rutabaga2D || this.#consoleOn2D) {
        components.set(RutabagaComponentType.Rutabaga2D, make(RutabagaComponentType.Rutabaga2D));
      }
    } catch (e) {
      for (const c of components.values()) c.destroy();
      throw e;
    }
    return new Rutabaga({ components, defaultComponent: defaultType, capsets, hostMemory });
  }
}
