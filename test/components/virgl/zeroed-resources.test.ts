import assert from "node:assert/strict";
import { test } from "node:test";
import type { GlBox, GlTextureStorage } from "../../../src/components/virgl/host-gl/textures.ts";
import { VirglComponent } from "../../../src/components/virgl/virgl-component.ts";
import {
  type ResourceCreate3D,
  RutabagaBuilder,
  RutabagaComponentType,
  type Transfer3D,
  transfer2d,
} from "../../../src/index.ts";
import { EglHostGl } from "../../../src/node/gl/egl-host-gl.ts";
import { createWithBacking, res } from "./helpers.ts";

/** The byte a recycling driver leaves behind: 0x3f3f3f3f is a non-zero value in every format (0.75 as a float). */
const STALE = 0x3f;

/**
 * A host GL whose new textures and buffers hold another allocation's bytes, as a driver that recycles memory
 * without clearing it (seen on NVIDIA's): what the component must never let a guest read.
 */
class RecyclingHostGl extends EglHostGl {
  readonly #texel = new Uint8Array(16).fill(STALE);
  #storage = new Map<number, GlTextureStorage>();

  override createTexture(target: number): number {
    const t = super.createTexture(target);
    this.#storage.delete(t);
    return t;
  }

  override textureStorage(texture: number, storage: GlTextureStorage): void {
    super.textureStorage(texture, storage);
    this.#storage.set(texture, storage);
  }

  override textureParameteri(texture: number, pname: number, value: number): void {
    super.textureParameteri(texture, pname, value);
    this.#dirty(texture);
  }

  override createBuffer(size: number): number {
    const b = super.createBuffer(size);
    super.bufferSubData(b, 0, new Uint8Array(size).fill(STALE));
    return b;
  }

  /** Fills level 0 once the component has set the texture up (storage, then parameters), before any clear of its own. */
  #dirty(texture: number): void {
    const st = this.#storage.get(texture);
    if (st === undefined) return;
    this.#storage.delete(texture);
    const box: GlBox = { x: 0, y: 0, z: 0, w: st.width, h: st.height, d: st.depth };
    const compressed = [0x83f0, 0x83f1].includes(st.internalFormat);
    if (compressed) {
      const bytes = Math.ceil(st.width / 4) * Math.ceil(st.height / 4) * 8 * st.depth;
      super.compressedTextureSubImage(texture, st.dims, 0, box, st.internalFormat, new Uint8Array(bytes).fill(STALE));
      return;
    }
    const { format, type, bytes } = EXTERNAL.get(st.internalFormat)!;
    super.clearTexSubImage(texture, 0, box, format, type, this.#texel.subarray(0, bytes));
  }
}

/** External format, type and texel size of the internal formats below, for the stale fill. */
const EXTERNAL = new Map<number, { format: number; type: number; bytes: number }>([
  [0x8058 /* RGBA8 */, { format: 0x1908, type: 0x1401, bytes: 4 }],
  [0x8d70 /* RGBA32UI */, { format: 0x8d99, type: 0x1405, bytes: 16 }],
  [0x8cac /* DEPTH32F */, { format: 0x1902, type: 0x1406, bytes: 4 }],
]);

const box = (o: Partial<Transfer3D>): Transfer3D => ({ ...transfer2d(0, 0, 1, 1), ...o });

/** Shapes a guest reads back right after creating them: level 0 and its bytes. */
const SHAPES: { name: string; create: ResourceCreate3D; level0: Transfer3D; bytes: number }[] = [
  {
    name: "buffer",
    create: res({ target: 0, format: 64, bind: 0x10, width: 4096, height: 1 }),
    level0: box({ w: 4096 }),
    bytes: 4096,
  },
  {
    name: "2D RGBA8, 3 levels",
    create: res({ width: 64, height: 32, lastLevel: 2 }),
    level0: box({ w: 64, h: 32 }),
    bytes: 8192,
  },
  {
    name: "2D array",
    create: res({ target: 7, width: 16, height: 16, arraySize: 4 }),
    level0: box({ w: 16, h: 16, d: 4 }),
    bytes: 4096,
  },
  {
    name: "3D",
    create: res({ target: 3, width: 8, height: 8, depth: 8 }),
    level0: box({ w: 8, h: 8, d: 8 }),
    bytes: 2048,
  },
  {
    name: "cube",
    create: res({ target: 4, width: 8, height: 8, arraySize: 6 }),
    level0: box({ w: 8, h: 8, d: 6 }),
    bytes: 1536,
  },
  {
    name: "1D array",
    create: res({ target: 6, width: 32, height: 1, arraySize: 3 }),
    level0: box({ w: 32, d: 3 }),
    bytes: 384,
  },
  { name: "RGBA32UI", create: res({ format: 196, width: 8, height: 8 }), level0: box({ w: 8, h: 8 }), bytes: 1024 },
  {
    name: "depth Z32F",
    create: res({ format: 18, bind: 1 << 0, width: 32, height: 32 }),
    level0: box({ w: 32, h: 32 }),
    bytes: 4096,
  },
  {
    name: "BC1 (DXT1 RGB), 2 levels",
    create: res({ format: 105, bind: 1 << 3, width: 32, height: 32, lastLevel: 1 }),
    level0: box({ w: 32, h: 32 }),
    bytes: 512,
  },
  {
    name: "BC1 2D array",
    create: res({ target: 7, format: 105, bind: 1 << 3, width: 16, height: 8, arraySize: 3 }),
    level0: box({ w: 16, h: 8, d: 3 }),
    bytes: 192,
  },
];

test("every new resource reads as zeros on a host GL that hands out memory another allocation wrote", () => {
  const rutabaga = new RutabagaBuilder((1n << 1n) | (1n << 2n), () => {})
    .setComponentFactory(RutabagaComponentType.VirglRenderer, (init) => new VirglComponent(init, new RecyclingHostGl()))
    .setWarningHandler((m) => {
      throw new Error(m);
    })
    .build();
  try {
    rutabaga.createContext(1, 2, "test");
    let id = 1;
    for (const s of SHAPES) {
      const backing = createWithBacking(rutabaga, id, s.create, s.bytes);
      backing.fill(0x5a);
      rutabaga.transferRead(1, id, s.level0);
      const nonZero = backing.findIndex((b) => b !== 0);
      assert.equal(nonZero, -1, `${s.name}: byte ${nonZero} of a new resource is ${backing[nonZero]}`);
      rutabaga.unrefResource(id);
      id++;
    }
  } finally {
    rutabaga.destroy();
  }
});
