/** Sampler objects and the texture units they and textures are bound to. */
export interface HostGlSamplers {
  createSampler(): number;
  deleteSampler(sampler: number): void;
  samplerParameteri(sampler: number, pname: number, value: number): void;
  samplerParameterf(sampler: number, pname: number, value: number): void;
  samplerParameterfv(sampler: number, pname: number, values: Float32Array): void;
  bindSampler(unit: number, sampler: number): void;
  /** `glBindTextureUnit`: texture 0 unbinds the unit. */
  bindTextureUnit(unit: number, texture: number): void;
}
