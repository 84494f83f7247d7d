import {
  VENUS_HOST_COMMANDS,
  VenusObjectKind,
  type VenusExecutedCommand,
} from "../../components/venus/venus-executed.ts";
import type { VenusCommand } from "../../components/venus/wire-codec.ts";
import { Base, compileField, evalLen, type Field, Shape } from "../../components/venus/wire-schema.ts";
import { COMMANDS, STRUCTS } from "../../components/venus/wire-tables.generated.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import { VulkanNativeArena } from "../vulkan/native-arena.ts";
import { nativeLayout } from "../vulkan/native-layout.ts";
import type { VulkanFunction, VulkanLibrary } from "../vulkan/vulkan-library.ts";
import { VenusObjectTable } from "./venus-objects.ts";

const VK_SUCCESS = 0;
const VK_INCOMPLETE = 5;

interface Compiled {
  readonly spec: VenusExecutedCommand;
  readonly ret: Field | null;
  readonly params: readonly Field[];
}

const compiled = new Map<string, Compiled>();
for (const spec of VENUS_HOST_COMMANDS) {
  const row = COMMANDS.find((c) => c[1] === spec.name);
  if (!row) throw new Error(`${spec.name} is not numbered`);
  compiled.set(spec.name, {
    spec,
    ret: row[2] ? compileField("ret", `i${row[2]}`, true) : null,
    params: row[3].map(([n, s]) => compileField(n, s, true)),
  });
}

function refuse(what: string): never {
  throw new RutabagaError("InvalidCommandBuffer", what);
}

const structFields: (readonly Field[] | undefined)[] = [];
function fieldsOf(i: number): readonly Field[] {
  let f = structFields[i];
  if (f === undefined) {
    f = STRUCTS[i]![3].map(([n, s]) => compileField(n, s, false));
    structFields[i] = f;
  }
  return f;
}

/**
 * A NULL array whose count says elements follow would send the host driver reading through a null pointer: refused
 * (the decoder checks a non-NULL array's length against its count, not a NULL one).
 */
function checkCounts(i: number, v: unknown, depth = 0): void {
  if (v === null || typeof v !== "object" || depth > 24) return;
  const o = v as Record<string, unknown>;
  for (const f of fieldsOf(i)) {
    const m = o[f.name];
    if (f.base === Base.pnext) {
      for (let e = m as Record<string, unknown> | null; e; e = e.pNext as Record<string, unknown> | null) {
        const idx = nativeLayout(i).extenders.get(e.sType as number);
        if (idx !== undefined) checkCounts(idx, e, depth + 1);
      }
      continue;
    }
    if (f.shape === Shape.array && (m === null || m === undefined) && f.len) {
      const n = evalLen(f.len, o);
      if (n !== undefined && n > 0) refuse(`${STRUCTS[i]![0]}.${f.name}: NULL with ${n} elements`);
    }
    if (f.base === Base.struct && m !== null && m !== undefined) {
      if (Array.isArray(m)) for (const e of m) checkCounts(f.ref, e, depth + 1);
      else checkCounts(f.ref, m, depth + 1);
    }
  }
}

/** What a context's executor has made on the host and destroyed again (for leak checks). */
export interface VenusHostObjectCounts {
  created: number;
  destroyed: number;
}

/**
 * Runs the host commands of {@link VENUS_HOST_COMMANDS} on the host's Vulkan for one context: every handle parameter
 * is looked up with its kind, every pointer marshalled into a bounded native arena from the generated tables, NULL
 * required pointers and NULL arrays with counts are refused before the call; output handles become the guest's ids.
 */
export class VenusExecutor {
  readonly objects = new VenusObjectTable();
  readonly counts: VenusHostObjectCounts = { created: 0, destroyed: 0 };
  readonly #lib: VulkanLibrary;
  readonly #arena = new VulkanNativeArena(4 << 20);
  readonly #functions = new Map<string, VulkanFunction>();

  constructor(lib: VulkanLibrary) {
    this.#lib = lib;
  }

  /** Whether `name` is a host command this executor runs. */
  static runs(name: string): boolean {
    return compiled.has(name);
  }

  #fn(instance: bigint, name: string): VulkanFunction {
    const key = `${instance}:${name}`;
    let f = this.#functions.get(key);
    if (f === undefined) {
      f = this.#lib.function(instance, name);
      if (f === undefined) throw new RutabagaError("Unsupported", `the host's Vulkan has no ${name}`);
      this.#functions.set(key, f);
    }
    return f;
  }

  /** The instance a command runs under: the root of its first handle parameter (0n for global commands). */
  #instanceOf(c: Compiled, args: Record<string, unknown>): bigint {
    for (const [param] of Object.entries(c.spec.takes)) {
      const root = this.objects.root(args[param] as number);
      if (root !== undefined) return root.handle;
    }
    return 0n;
  }

  /** Runs one decoded command; the reply's values (return value and outputs). */
  run(cmd: VenusCommand): Record<string, unknown> {
    const c = compiled.get(cmd.name);
    if (c === undefined) throw new RutabagaError("Unsupported", `${cmd.name} is not executed`);
    const args = cmd.args;
    const arena = this.#arena;
    arena.reset();
    const spec = c.spec;
    const creates = spec.creates;
    const physical = (id: number) => this.objects.handle(id, VenusObjectKind.PhysicalDevice);
    const callArgs: unknown[] = [];
    const addrs: bigint[] = [];
    for (const p of c.params) {
      const v = args[p.name];
      let value: unknown;
      let addr = 0n;
      if (p.base === Base.alloc) value = 0n;
      else if (p.base === Base.h && p.shape === Shape.value) {
        const kind = spec.takes[p.name];
        if (kind === undefined) refuse(`${cmd.name}.${p.name}: an untyped handle`);
        value = this.objects.handle(v, kind);
      } else if (creates !== undefined && p.name === creates.param && !(p.shape === Shape.array && v === null)) {
        if (v === null || v === undefined) refuse(`${cmd.name}.${p.name}: NULL`);
        const n = p.shape === Shape.pointer ? 1 : (v as unknown[]).length;
        addr = arena.take(8 * n);
        value = addr;
      } else if (p.shape === Shape.value && p.base !== Base.str) {
        value = p.base === Base.sz ? BigInt(v as number) : v;
      } else if (cmd.name === "vkEnumeratePhysicalDeviceGroups" && p.name === "pPhysicalDeviceGroupProperties") {
        // Outputs only: the guest's partial structs carry no handle the host should read.
        const n = Array.isArray(v) ? v.length : 0;
        addr = n === 0 ? 0n : arena.param(p, Array.from({ length: n }, () => ({ sType: 1000070000, pNext: null })), physical);
        value = addr;
      } else {
        if ((v === null || v === undefined) && p.shape === Shape.pointer && p.base !== Base.str)
          refuse(`${cmd.name}.${p.name}: NULL`);
        if (p.base === Base.struct && v !== null && v !== undefined) {
          if (Array.isArray(v)) for (const e of v) checkCounts(p.ref, e);
          else checkCounts(p.ref, v);
        }
        addr = arena.param(p, v, physical);
        value = addr;
      }
      callArgs.push(value);
      addrs.push(addr);
    }
    const instance = this.#instanceOf(c, args);
    const ret = this.#fn(instance, cmd.name)(...callArgs) as unknown;
    const ok = c.ret === null || ret === VK_SUCCESS || ret === VK_INCOMPLETE;
    const values: Record<string, unknown> = {};
    if (c.ret !== null) values.ret = ret;
    const read: Record<string, unknown> = {};
    for (const [k, p] of c.params.entries()) {
      if (p.dir === "i") continue;
      const v = args[p.name];
      const addr = addrs[k]!;
      if (addr === 0n || v === null || v === undefined) {
        values[p.name] = null;
        continue;
      }
      if (creates !== undefined && p.name === creates.param) {
        values[p.name] = this.#created(c, args, p, v, addr, read, ok);
        continue;
      }
      values[p.name] = this.#readOutput(p, v, addr, read);
      read[p.name] = values[p.name];
    }
    if (spec.destroys !== undefined) this.#forget(args[spec.destroys] as number);
    if (cmd.name === "vkEnumeratePhysicalDeviceGroups") this.#groupIds(values.pPhysicalDeviceGroupProperties);
    return values;
  }

  /** Host physical-device handles in group properties → the guest's ids for them (0 for one it never enumerated). */
  #groupIds(groups: unknown): void {
    if (!Array.isArray(groups)) return;
    const ids = new Map<bigint, number>();
    for (const o of this.objects.all(VenusObjectKind.PhysicalDevice)) ids.set(o.handle, o.id);
    for (const g of groups as { physicalDevices: unknown[] }[]) {
      g.physicalDevices = g.physicalDevices.map((h) => (typeof h === "bigint" ? (ids.get(h) ?? 0) : 0));
    }
  }

  /** Output handles: recorded under the guest's ids when the call succeeded; the reply carries the ids. */
  #created(
    c: Compiled,
    args: Record<string, unknown>,
    p: Field,
    v: unknown,
    addr: bigint,
    read: Record<string, unknown>,
    ok: boolean,
  ): unknown {
    const spec = c.spec.creates!;
    const parent = spec.parent === undefined ? undefined : (args[spec.parent] as number);
    if (p.shape === Shape.pointer) {
      const h = this.#arena.u64(addr);
      if (ok && h !== 0n) {
        this.objects.add(v, spec.kind, h, parent);
        if (spec.kind === VenusObjectKind.Instance || spec.kind === VenusObjectKind.Device) this.counts.created++;
      }
      return v;
    }
    const ids = v as number[];
    const n = Math.min(ids.length, p.len ? (evalLen(p.len, read) ?? ids.length) : ids.length);
    if (ok) for (let i = 0; i < n; i++) this.objects.add(ids[i], spec.kind, this.#arena.u64(addr + BigInt(8 * i)), parent);
    return ids.slice(0, n);
  }

  #readOutput(p: Field, v: unknown, addr: bigint, read: Record<string, unknown>): unknown {
    const arena = this.#arena;
    if (p.shape === Shape.pointer) {
      if (p.base === Base.struct) return arena.readStruct(p.ref, addr);
      switch (p.base) {
        case Base.u32:
          return arena.u32(addr);
        case Base.i32:
          return arena.u32(addr) | 0;
        case Base.u64:
          return arena.u64(addr);
        case Base.sz:
          return Number(arena.u64(addr));
        default:
          throw new RutabagaError("Unsupported", `${p.name}: output of kind ${p.base}`);
      }
    }
    if (p.shape === Shape.array) {
      const cap = typeof v === "number" ? v : (v as unknown[]).length;
      const n = Math.min(cap, p.len ? (evalLen(p.len, read) ?? cap) : cap);
      if (p.base === Base.struct) {
        const size = nativeLayout(p.ref).size;
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(arena.readStruct(p.ref, addr + BigInt(i * size)));
        return out;
      }
      if (p.base === Base.u32) return new Uint32Array(arena.read(addr, 4 * n).buffer);
    }
    throw new RutabagaError("Unsupported", `${p.name}: output shape ${p.shape}`);
  }

  /** Forgets a destroyed object and what was under it. */
  #forget(id: number): void {
    for (const o of this.objects.remove(id))
      if (o.kind === VenusObjectKind.Instance || o.kind === VenusObjectKind.Device) this.counts.destroyed++;
  }

  /** Destroys every host object the guest left (devices after waiting for them, then instances). */
  destroyAll(): void {
    for (const root of this.objects.roots()) {
      const inst = root.handle;
      for (const o of this.objects.descendants(root.id)) {
        if (o.kind !== VenusObjectKind.Device) continue;
        this.#fn(inst, "vkDeviceWaitIdle")(o.handle);
        this.#fn(inst, "vkDestroyDevice")(o.handle, 0n);
      }
      if (root.kind === VenusObjectKind.Instance) this.#fn(inst, "vkDestroyInstance")(inst, 0n);
      this.#forget(root.id);
    }
  }
}
