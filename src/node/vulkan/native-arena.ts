import koffi from "koffi";
import { Base, type Field, Shape } from "../../components/venus/wire-schema.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import { elementLayout, type NativeLayout, nativeLayout } from "./native-layout.ts";

/** Maps a guest object id to the host handle it stands for (the executor's table; it throws for unknown ids). */
export type HandleMap = (id: number) => bigint;

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/**
 * A preallocated block of native memory that Vulkan structs are marshalled into for one host call at a time: a bump
 * allocator over one koffi allocation, zeroed as it hands space out, reset after each call. Running out is
 * `RutabagaError("OutOfMemory")`, never a reallocation.
 */
export class VulkanNativeArena {
  /** Bytes the arena holds. */
  readonly capacity: number;
  private readonly base: bigint;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private used = 0;
  private readonly handle: unknown;

  constructor(capacity = 1 << 20) {
    this.capacity = capacity;
    this.handle = koffi.alloc("uint8_t", capacity);
    const ab = koffi.view(this.handle, capacity) as ArrayBuffer;
    this.bytes = new Uint8Array(ab);
    this.view = new DataView(ab);
    this.base = koffi.address(this.handle) as bigint;
  }

  /** Forgets everything handed out. */
  reset(): void {
    this.used = 0;
  }

  /** Bytes handed out since the last reset. */
  get size(): number {
    return this.used;
  }

  /** `n` zeroed bytes aligned to `align`; their native address. */
  take(n: number, align = 8): bigint {
    const at = Math.ceil(this.used / align) * align;
    if (at + n > this.capacity)
      throw new RutabagaError("OutOfMemory", `native arena: ${n} bytes over ${this.capacity}`);
    this.bytes.fill(0, at, at + n);
    this.used = at + n;
    return this.base + BigInt(at);
  }

  private off(addr: bigint): number {
    const o = Number(addr - this.base);
    if (o < 0 || o >= this.capacity) throw new RutabagaError("InvalidIovec", "address outside the native arena");
    return o;
  }

  /** A copy of `n` bytes at an arena address. */
  read(addr: bigint, n: number): Uint8Array {
    const o = this.off(addr);
    return this.bytes.slice(o, o + n);
  }

  /** The u32 at an arena address. */
  u32(addr: bigint): number {
    return this.view.getUint32(this.off(addr), true);
  }

  /** The u64 at an arena address. */
  u64(addr: bigint): bigint {
    return this.view.getBigUint64(this.off(addr), true);
  }

  private writeScalar(o: number, base: number, v: unknown, handles: HandleMap): void {
    const dv = this.view;
    switch (base) {
      case Base.u8:
      case Base.i8:
        dv.setUint8(o, Number(v) & 0xff);
        return;
      case Base.u16:
      case Base.i16:
        dv.setUint16(o, Number(v) & 0xffff, true);
        return;
      case Base.u32:
        dv.setUint32(o, Number(v) >>> 0, true);
        return;
      case Base.i32:
        dv.setInt32(o, Number(v) | 0, true);
        return;
      case Base.f32:
        dv.setFloat32(o, Number(v), true);
        return;
      case Base.f64:
        dv.setFloat64(o, Number(v), true);
        return;
      case Base.u64:
      case Base.i64:
        dv.setBigUint64(o, BigInt.asUintN(64, BigInt(v as bigint)), true);
        return;
      case Base.sz:
        dv.setBigUint64(o, BigInt(v as number), true);
        return;
      case Base.h:
        dv.setBigUint64(o, v === 0 ? 0n : handles(v as number), true);
        return;
      default:
        throw new RutabagaError("Unsupported", `native scalar kind ${base}`);
    }
  }

  private string(s: string): bigint {
    const b = utf8.encode(s);
    const at = this.take(b.length + 1, 1);
    this.bytes.set(b, this.off(at));
    return at;
  }

  /** Writes one element of `f` at offset `o`. */
  private element(o: number, f: Field, v: unknown, handles: HandleMap): void {
    if (f.base === Base.struct) this.structAt(o, f.ref, v as Record<string, unknown>, handles);
    else if (f.base === Base.union) {
      const u = v as Record<string, unknown>;
      const l = nativeLayout(f.ref);
      const m = l.members[u.tag as number];
      if (!m) throw new RutabagaError("InvalidCommandBuffer", `${l.name}: union tag`);
      this.member(o, m.field, m.elemSize, u[m.field.name], handles);
    } else this.writeScalar(o, f.base, v, handles);
  }

  /** Writes a member (any shape) at offset `o`. */
  private member(o: number, f: Field, elemSize: number, v: unknown, handles: HandleMap): void {
    const dv = this.view;
    switch (f.base) {
      case Base.str:
        dv.setBigUint64(o, v === null || v === undefined ? 0n : this.string(v as string), true);
        return;
      case Base.strs: {
        const list = (v ?? []) as string[];
        if (list.length === 0) {
          dv.setBigUint64(o, 0n, true);
          return;
        }
        const arr = this.take(8 * list.length);
        const ao = this.off(arr);
        for (let k = 0; k < list.length; k++) dv.setBigUint64(ao + 8 * k, this.string(list[k]!), true);
        dv.setBigUint64(o, arr, true);
        return;
      }
      case Base.blob: {
        const b = v as Uint8Array | null;
        if (!b) {
          dv.setBigUint64(o, 0n, true);
          return;
        }
        const at = this.take(b.byteLength, 8);
        this.bytes.set(b, this.off(at));
        dv.setBigUint64(o, at, true);
        return;
      }
      case Base.alloc:
        dv.setBigUint64(o, 0n, true);
        return;
      case Base.pnext:
        dv.setBigUint64(o, 0n, true);
        return;
      case Base.unsupported:
        throw new RutabagaError("Unsupported", `${f.name} cannot be marshalled`);
    }
    if (f.shape === Shape.value) {
      this.element(o, f, v, handles);
      return;
    }
    if (f.shape === Shape.fixed) {
      if (f.base === Base.cstr) {
        const b = utf8.encode(String(v ?? ""));
        this.bytes.set(b.subarray(0, f.fixed - 1), o);
        return;
      }
      const list = v as ArrayLike<unknown>;
      for (let k = 0; k < f.fixed; k++) this.element(o + k * elemSize, f, list[k], handles);
      return;
    }
    if (v === null || v === undefined || v === false) {
      dv.setBigUint64(o, 0n, true);
      return;
    }
    const e = elementLayout(f);
    if (f.shape === Shape.pointer) {
      const at = this.take(e.size, e.align);
      // `true` is an output's marker: the space is the output.
      if (v !== true) this.element(this.off(at), f, v, handles);
      dv.setBigUint64(o, at, true);
      return;
    }
    const n = typeof v === "number" ? v : (v as ArrayLike<unknown>).length;
    const at = this.take(e.size * n, e.align);
    if (typeof v !== "number") {
      const ao = this.off(at);
      if (ArrayBuffer.isView(v) && f.base !== Base.h && f.base !== Base.sz) {
        this.bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), ao);
      } else for (let k = 0; k < n; k++) this.element(ao + k * e.size, f, (v as ArrayLike<unknown>)[k], handles);
    }
    dv.setBigUint64(o, at, true);
  }

  private structAt(o: number, i: number, v: Record<string, unknown>, handles: HandleMap, chained = false): void {
    const l = nativeLayout(i);
    for (const m of l.members) {
      if (m.field.base === Base.pnext) {
        // A chain element's successor is validated against the chain's first struct (its caller writes it).
        if (chained) continue;
        this.view.setBigUint64(o + m.offset, this.chain(l, v?.pNext as Record<string, unknown> | null, handles), true);
        continue;
      }
      if (m.field.name === "sType" && l.sType !== null) {
        this.view.setInt32(o + m.offset, l.sType, true);
        continue;
      }
      if (v && m.field.name in v) this.member(o + m.offset, m.field, m.elemSize, v[m.field.name], handles);
    }
  }

  private chain(parent: NativeLayout, head: Record<string, unknown> | null, handles: HandleMap): bigint {
    if (!head) return 0n;
    const i = parent.extenders.get(head.sType as number);
    if (i === undefined) throw new RutabagaError("Unsupported", `sType ${String(head.sType)} after ${parent.name}`);
    const l = nativeLayout(i);
    const at = this.take(l.size, l.align);
    const o = this.off(at);
    this.view.setInt32(o, l.sType!, true);
    this.structAt(o, i, head, handles, true);
    // The chain continues with the parent's extenders: venus validates every element against the first struct.
    this.view.setBigUint64(o + 8, this.chain(parent, head.pNext as Record<string, unknown> | null, handles), true);
    return at;
  }

  /** Marshals a decoded struct `v` of table index `i`; its native address. Handles go through `handles`. */
  struct(i: number, v: Record<string, unknown>, handles: HandleMap): bigint {
    const l = nativeLayout(i);
    const at = this.take(l.size, l.align);
    this.structAt(this.off(at), i, v, handles);
    return at;
  }

  /** Space for one value of parameter field `f` (its marshalled input, or zeroed room for an output); the address. */
  param(f: Field, v: unknown, handles: HandleMap): bigint {
    const slot = this.take(8);
    this.member(this.off(slot), f, elementLayout(f).size, v, handles);
    return this.u64(slot);
  }

  private readElement(o: number, f: Field): unknown {
    const dv = this.view;
    switch (f.base) {
      case Base.struct:
      case Base.union:
        return f.base === Base.struct ? this.readStructAt(o, f.ref) : undefined;
      case Base.u8:
        return dv.getUint8(o);
      case Base.i8:
        return dv.getInt8(o);
      case Base.u16:
        return dv.getUint16(o, true);
      case Base.i16:
        return dv.getInt16(o, true);
      case Base.u32:
        return dv.getUint32(o, true);
      case Base.i32:
        return dv.getInt32(o, true);
      case Base.f32:
        return dv.getFloat32(o, true);
      case Base.f64:
        return dv.getFloat64(o, true);
      case Base.u64:
        return dv.getBigUint64(o, true);
      case Base.i64:
        return dv.getBigInt64(o, true);
      case Base.sz:
        return Number(dv.getBigUint64(o, true));
      default:
        return dv.getBigUint64(o, true);
    }
  }

  private readStructAt(o: number, i: number): Record<string, unknown> {
    const l = nativeLayout(i);
    const out: Record<string, unknown> = {};
    for (const m of l.members) {
      const f = m.field;
      const at = o + m.offset;
      if (f.base === Base.pnext) {
        out.pNext = this.readChain(l, this.view.getBigUint64(at, true));
        continue;
      }
      if (f.shape === Shape.fixed) {
        if (f.base === Base.cstr) {
          const b = this.bytes.subarray(at, at + f.fixed);
          const nul = b.indexOf(0);
          out[f.name] = utf8d.decode(nul < 0 ? b : b.subarray(0, nul));
        } else if (f.base === Base.u8) out[f.name] = this.bytes.slice(at, at + f.fixed);
        else if (f.base === Base.u32) out[f.name] = new Uint32Array(this.bytes.slice(at, at + 4 * f.fixed).buffer);
        else if (f.base === Base.i32) out[f.name] = new Int32Array(this.bytes.slice(at, at + 4 * f.fixed).buffer);
        else if (f.base === Base.f32) out[f.name] = new Float32Array(this.bytes.slice(at, at + 4 * f.fixed).buffer);
        else out[f.name] = Array.from({ length: f.fixed }, (_, k) => this.readElement(at + k * m.elemSize, f));
      } else if (f.shape === Shape.value && f.base !== Base.str && f.base !== Base.blob && f.base !== Base.strs) {
        out[f.name] = this.readElement(at, f);
      } else out[f.name] = null;
    }
    return out;
  }

  private readChain(parent: NativeLayout, addr: bigint): unknown {
    if (addr === 0n) return null;
    const o = this.off(addr);
    const sType = this.view.getInt32(o, true);
    const i = parent.extenders.get(sType);
    if (i === undefined) return this.readChain(parent, this.view.getBigUint64(o + 8, true));
    const v = this.readStructAt(o, i);
    v.pNext = this.readChain(parent, this.view.getBigUint64(o + 8, true));
    return v;
  }

  /**
   * Reads back struct `i` at an arena address after a host call filled it: scalars, fixed arrays, nested structs and
   * the pNext chain (pointer members other than the chain read as null).
   */
  readStruct(i: number, addr: bigint): Record<string, unknown> {
    return this.readStructAt(this.off(addr), i);
  }
}
