import type { VirglCmd } from "../protocol/commands.ts";
import type { VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommand, VirglCommandOf } from "../protocol/typed-commands.ts";
import type { VirglExecution } from "./execution.ts";

/** A `VirglCmd` name (`"DrawVbo"`, …): the key of the decoder and executor tables. */
export type VirglCmdName = keyof typeof VirglCmd;

/** The table entry of a command that is decoded but not executed: every one seen is counted in `unsupported`. */
export const UNSUPPORTED: unique symbol = Symbol("unsupported");

/** The type of {@link UNSUPPORTED}. */
export type Unsupported = typeof UNSUPPORTED;

/**
 * What an executor returns: `undefined` when the command ran, a refusal, or {@link UNSUPPORTED} for a variant of an
 * executed command that is not executed (counted like a command with an unsupported entry).
 */
export type ExecuteResult = VirglRefusal | Unsupported | undefined;

/** Runs one decoded command of id `C` on a context's runtime. */
export type Executor<C extends number> = (x: VirglExecution, c: VirglCommandOf<C>) => ExecuteResult;

/** An executor looked up by numeric id: it is only ever called with the command of its own id. */
export type AnyExecutor = (x: VirglExecution, c: VirglCommand) => ExecuteResult;

/** One entry per command: its executor or an explicit {@link UNSUPPORTED}; a missing command does not compile. */
export type ExecutorTable = { readonly [K in VirglCmdName]: Executor<(typeof VirglCmd)[K]> | Unsupported };

/** The executor of commands whose payload means nothing to the host (padding). */
export const ignore = (): undefined => undefined;
