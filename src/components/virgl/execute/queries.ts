import type { VirglCmd } from "../protocol/commands.ts";
import type { VirglQueryDesc } from "../protocol/objects/query.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglExecution } from "./execution.ts";
import type { Executor } from "./executor.ts";

/** The current sub-context's query object `handle`, or the refusal. */
function queryOf(x: VirglExecution, handle: number): VirglQueryDesc | VirglRefusal {
  const q = x.sub.objects.get(handle);
  if (q === undefined || q.state.kind !== "query") return invalid(`no query ${handle}`);
  return q.state;
}

/** BEGIN_QUERY. */
export const executeBeginQuery: Executor<typeof VirglCmd.BeginQuery> = (x, c) => {
  const q = queryOf(x, c.handle);
  return q instanceof VirglRefusal ? q : x.queries.begin(q);
};

/** END_QUERY. */
export const executeEndQuery: Executor<typeof VirglCmd.EndQuery> = (x, c) => {
  const q = queryOf(x, c.handle);
  return q instanceof VirglRefusal ? q : x.queries.end(q);
};

/** GET_QUERY_RESULT: the result is written into the query's resource before the submit returns. */
export const executeGetQueryResult: Executor<typeof VirglCmd.GetQueryResult> = (x, c) => {
  const q = queryOf(x, c.handle);
  return q instanceof VirglRefusal ? q : x.queries.result(q, x.lookup);
};

/** SET_RENDER_CONDITION: handle 0 ends conditional rendering. */
export const executeSetRenderCondition: Executor<typeof VirglCmd.SetRenderCondition> = (x, c) => {
  if (c.handle === 0) {
    x.queries.renderCondition(undefined, false, 0);
    return undefined;
  }
  const q = queryOf(x, c.handle);
  if (q instanceof VirglRefusal) return q;
  x.queries.renderCondition(q, c.condition, c.mode);
  return undefined;
};

/** GET_QUERY_RESULT_QBO: the result goes into a guest buffer on the host, never waiting for the GL. */
export const executeGetQueryResultQbo: Executor<typeof VirglCmd.GetQueryResultQbo> = (x, c) => {
  const q = queryOf(x, c.handle);
  if (q instanceof VirglRefusal) return q;
  return x.queries.resultQbo(q, c.qboHandle, c.resultType, c.offset, c.index, c.wait, x.lookup);
};
