import { PIPE_SHADER_TYPES } from "../protocol/commands.ts";
import type { VirglBufferRange, VirglImageBinding } from "../protocol/typed-commands.ts";
import { ATOMIC_BUFFER_BINDINGS, IMAGES_PER_STAGE, SHADER_BUFFERS_PER_STAGE } from "../tgsi/index.ts";

/**
 * What shaders read and write besides constants and textures: shader buffers and images per stage and slot
 * (SET_SHADER_BUFFERS / SET_SHADER_IMAGES) and the atomic counter buffers every stage shares (SET_ATOMIC_BUFFERS).
 */
export class VirglMemoryBindings {
  readonly shaderBuffers: (VirglBufferRange | undefined)[][] = Array.from({ length: PIPE_SHADER_TYPES }, () =>
    new Array<VirglBufferRange | undefined>(SHADER_BUFFERS_PER_STAGE).fill(undefined),
  );
  readonly images: (VirglImageBinding | undefined)[][] = Array.from({ length: PIPE_SHADER_TYPES }, () =>
    new Array<VirglImageBinding | undefined>(IMAGES_PER_STAGE).fill(undefined),
  );
  readonly atomicBuffers: (VirglBufferRange | undefined)[] = new Array<VirglBufferRange | undefined>(
    ATOMIC_BUFFER_BINDINGS,
  ).fill(undefined);
}
