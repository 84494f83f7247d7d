/** Query objects and conditional rendering. Nothing here waits for the GL. */
export interface HostGlQueries {
  createQuery(target: number): number;
  deleteQuery(query: number): void;
  /** `index` > 0: the vertex stream of a primitives query (`glBeginQueryIndexed`, GL 4.0). */
  beginQuery(target: number, query: number, index?: number): void;
  endQuery(target: number, index?: number): void;
  queryCounter(query: number, target: number): void;
  beginConditionalRender(query: number, mode: number): void;
  endConditionalRender(): void;
  /** `glGetQueryObjectuiv(query, GL_QUERY_RESULT_AVAILABLE)`: whether the result can be read without a wait. */
  isQueryResultAvailable(query: number): boolean;
  /**
   * `glGetQueryObjectui64v(query, GL_QUERY_RESULT)`. Callers ask only once {@link isQueryResultAvailable} said yes;
   * a host that can block may wait here otherwise, one that cannot returns what it has.
   */
  getQueryResult(query: number): bigint;
  /**
   * `glGetQueryBufferObject{iv,uiv,i64v,ui64v}` (`resultType` 0..3): the GL writes `pname` (GL_QUERY_RESULT,
   * _NO_WAIT or _AVAILABLE) of `query` into `buffer` at `offset` in its own command order.
   */
  queryResultToBuffer(query: number, buffer: number, offset: number, resultType: number, pname: number): void;
}
