import type { GpuDriver } from "../../virtio-gpu/driver/virtio-gpu-driver.ts";
import type { ViewRegion } from "../../virtio-gpu/host-visible-region.ts";
import type { NodeCrossDomainHost } from "../cross-domain/node-host.ts";
import type { RegionAllocator } from "./region-allocator.ts";

/** What every session of one proxy shares. */
export interface ProxyShared {
  driver: GpuDriver;
  /** Pipe I/O with clients (queued writes, close after drain, readiness). */
  pipes: NodeCrossDomainHost;
  region: ViewRegion;
  regionAllocator: RegionAllocator;
  nextResourceId(): number;
  nextContextId(): number;
  log(message: string): void;
  /** Counters for figures and leak checks. */
  stats: ProxyStats;
}

/** Traffic and objects, for figures and leak checks. */
export interface ProxyStats {
  requestBytes: number;
  requestMessages: number;
  eventBytes: number;
  eventMessages: number;
  fdsToCompositor: number;
  fdsToClient: number;
  sessions: number;
  /** wl_surface.commit requests forwarded (frames, for a client with one surface). */
  commits: number;
  /** Bytes copied from clients' shm pools into host blobs. */
  copiedBytes: number;
  /** shm pools moved to a larger blob (a resize past the old one). */
  poolMoves: number;
  /** Bytes clients wrote into pipes the compositor gave them (wl_data_source.send), sent as WRITEs. */
  pipeBytesToCompositor: number;
  /** Bytes the compositor's side wrote into clients' pipes (wl_data_offer.receive), come back as READs. */
  pipeBytesToClient: number;
}

/** A message that cannot cross: the session ends (the client gets a `wl_display.error` saying why, then the hang-up). */
export class NotCarried extends Error {}

/** The message of an error of any kind, for a log line. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
