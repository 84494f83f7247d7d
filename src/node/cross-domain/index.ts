/** The cross-domain component on Linux: its OS access through koffi, and a factory for the builder. */
import { type CrossDomainOptions, crossDomainComponentFactory } from "../../components/cross-domain/component.ts";
import type { RutabagaComponentFactory } from "../../rutabaga/component.ts";
import { NodeCrossDomainHost } from "./node-host.ts";

export { MAX_QUEUED_PIPE_BYTES, NodeCrossDomainHost } from "./node-host.ts";

/** For `builder.setComponentFactory(RutabagaComponentType.CrossDomain, nodeCrossDomainFactory())`. */
export function nodeCrossDomainFactory(options?: CrossDomainOptions): RutabagaComponentFactory {
  return crossDomainComponentFactory(new NodeCrossDomainHost(), options);
}
