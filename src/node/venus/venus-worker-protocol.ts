/** Words of the control block (an Int32Array over a SharedArrayBuffer) the main thread and a context's worker share. */
export const Control = {
  /** Bumped (then notified) by the main thread after each message: the worker sleeps on it. */
  Doorbell: 0,
  /** Set to 1 (then notified) by the worker once every host object is destroyed and its mappings are gone. */
  Stopped: 1,
  /** Host instances and devices the worker created, destroyed, and objects its table still held at the end. */
  Created: 2,
  Destroyed: 3,
  Left: 4,
} as const;
/** Words in the control block. */
export const CONTROL_WORDS = 8;

/** Main thread → worker, in order on one MessagePort. */
export type ToWorker =
  /** A blob the guest may name: the worker maps this descriptor (a copy for it) and closes it. */
  | { readonly t: "blob"; readonly resourceId: number; readonly fd: number; readonly size: number }
  | { readonly t: "unblob"; readonly resourceId: number }
  | { readonly t: "submit"; readonly bytes: Uint8Array }
  | { readonly t: "fence"; readonly ringIdx: number; readonly fenceId: bigint }
  | { readonly t: "stop" };

/** Worker → main thread. */
export type FromWorker =
  | { readonly t: "fence"; readonly ringIdx: number; readonly fenceId: bigint }
  | {
      readonly t: "ring";
      readonly id: bigint;
      readonly resourceId: number;
      readonly statusByteOffset: number;
      readonly periodUs: number;
    }
  | { readonly t: "unring"; readonly id: bigint }
  | { readonly t: "fatal"; readonly message: string };
