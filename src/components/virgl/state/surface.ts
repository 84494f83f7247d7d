/** A surface after checking against its resource: the level and layer range it attaches. */
export interface VirglSurface {
  readonly resourceId: number;
  readonly format: number;
  readonly level: number;
  readonly firstLayer: number;
  readonly lastLayer: number;
}
