/** The GL prototypes loaded once through eglGetProcAddress (koffi syntax; pointers are `void *`). */
export const GL_PROTOTYPES = {
  glGetError: "uint32 glGetError()",
  glGetString: "const char *glGetString(uint32 name)",
  glGetStringi: "const char *glGetStringi(uint32 name, uint32 index)",
  glGetIntegerv: "void glGetIntegerv(uint32 pname, void *out)",
  glGetIntegeri_v: "void glGetIntegeri_v(uint32 pname, uint32 index, void *out)",
  glGetFloatv: "void glGetFloatv(uint32 pname, void *out)",
  glGetInternalformativ: "void glGetInternalformativ(uint32 target, uint32 ifmt, uint32 pname, int32 count, void *out)",
  glFinish: "void glFinish()",
  glFlush: "void glFlush()",
  glPixelStorei: "void glPixelStorei(uint32 pname, int32 value)",
  glCreateTextures: "void glCreateTextures(uint32 target, int32 n, void *out)",
  glGenTextures: "void glGenTextures(int32 n, void *out)",
  glTextureView:
    "void glTextureView(uint32 t, uint32 target, uint32 orig, uint32 ifmt, uint32 minLevel, uint32 numLevels, uint32 minLayer, uint32 numLayers)",
  glDeleteTextures: "void glDeleteTextures(int32 n, void *names)",
  glTextureBufferRange: "void glTextureBufferRange(uint32 t, uint32 ifmt, uint32 buf, intptr off, intptr size)",
  glTextureStorage1D: "void glTextureStorage1D(uint32 t, int32 levels, uint32 ifmt, int32 w)",
  glTextureStorage2D: "void glTextureStorage2D(uint32 t, int32 levels, uint32 ifmt, int32 w, int32 h)",
  glTextureStorage3D: "void glTextureStorage3D(uint32 t, int32 levels, uint32 ifmt, int32 w, int32 h, int32 d)",
  glTextureStorage2DMultisample:
    "void glTextureStorage2DMultisample(uint32 t, int32 samples, uint32 ifmt, int32 w, int32 h, uint8 fixed)",
  glTextureStorage3DMultisample:
    "void glTextureStorage3DMultisample(uint32 t, int32 samples, uint32 ifmt, int32 w, int32 h, int32 d, uint8 fixed)",
  glTextureParameteri: "void glTextureParameteri(uint32 t, uint32 pname, int32 v)",
  glTextureParameteriv: "void glTextureParameteriv(uint32 t, uint32 pname, void *v)",
  glTextureSubImage1D: "void glTextureSubImage1D(uint32 t, int32 l, int32 x, int32 w, uint32 f, uint32 ty, void *p)",
  glTextureSubImage2D:
    "void glTextureSubImage2D(uint32 t, int32 l, int32 x, int32 y, int32 w, int32 h, uint32 f, uint32 ty, void *p)",
  glTextureSubImage3D:
    "void glTextureSubImage3D(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, uint32 f, uint32 ty, void *p)",
  glCompressedTextureSubImage1D:
    "void glCompressedTextureSubImage1D(uint32 t, int32 l, int32 x, int32 w, uint32 f, int32 size, void *p)",
  glCompressedTextureSubImage2D:
    "void glCompressedTextureSubImage2D(uint32 t, int32 l, int32 x, int32 y, int32 w, int32 h, uint32 f, int32 size, void *p)",
  glCompressedTextureSubImage3D:
    "void glCompressedTextureSubImage3D(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, uint32 f, int32 size, void *p)",
  glGetTextureSubImage:
    "void glGetTextureSubImage(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, uint32 f, uint32 ty, int32 size, void *p)",
  glGetCompressedTextureSubImage:
    "void glGetCompressedTextureSubImage(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, int32 size, void *p)",
  glClearTexSubImage:
    "void glClearTexSubImage(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, uint32 f, uint32 ty, void *p)",
  glCopyImageSubData:
    "void glCopyImageSubData(uint32 s, uint32 st, int32 sl, int32 sx, int32 sy, int32 sz, uint32 d, uint32 dt, int32 dl, int32 dx, int32 dy, int32 dz, int32 w, int32 h, int32 dd)",
  glCreateBuffers: "void glCreateBuffers(int32 n, void *out)",
  glDeleteBuffers: "void glDeleteBuffers(int32 n, void *names)",
  glNamedBufferStorage: "void glNamedBufferStorage(uint32 b, intptr size, void *data, uint32 flags)",
  glClearNamedBufferSubData:
    "void glClearNamedBufferSubData(uint32 b, uint32 ifmt, intptr off, intptr size, uint32 fmt, uint32 type, void *data)",
  glNamedBufferSubData: "void glNamedBufferSubData(uint32 b, intptr offset, intptr size, void *data)",
  glGetNamedBufferSubData: "void glGetNamedBufferSubData(uint32 b, intptr offset, intptr size, void *data)",
  glCopyNamedBufferSubData: "void glCopyNamedBufferSubData(uint32 s, uint32 d, intptr so, intptr dOff, intptr size)",
  glCreateFramebuffers: "void glCreateFramebuffers(int32 n, void *out)",
  glDeleteFramebuffers: "void glDeleteFramebuffers(int32 n, void *names)",
  glNamedFramebufferTexture: "void glNamedFramebufferTexture(uint32 fb, uint32 att, uint32 tex, int32 level)",
  glNamedFramebufferTextureLayer:
    "void glNamedFramebufferTextureLayer(uint32 fb, uint32 att, uint32 tex, int32 level, int32 layer)",
  glNamedFramebufferDrawBuffers: "void glNamedFramebufferDrawBuffers(uint32 fb, int32 n, void *bufs)",
  glNamedFramebufferParameteri: "void glNamedFramebufferParameteri(uint32 fb, uint32 pname, int32 param)",
  glNamedFramebufferReadBuffer: "void glNamedFramebufferReadBuffer(uint32 fb, uint32 buf)",
  glCheckNamedFramebufferStatus: "uint32 glCheckNamedFramebufferStatus(uint32 fb, uint32 target)",
  glBindFramebuffer: "void glBindFramebuffer(uint32 target, uint32 fb)",
  glClearNamedFramebufferfv: "void glClearNamedFramebufferfv(uint32 fb, uint32 buf, int32 db, void *v)",
  glClearNamedFramebufferiv: "void glClearNamedFramebufferiv(uint32 fb, uint32 buf, int32 db, void *v)",
  glClearNamedFramebufferuiv: "void glClearNamedFramebufferuiv(uint32 fb, uint32 buf, int32 db, void *v)",
  glClearNamedFramebufferfi: "void glClearNamedFramebufferfi(uint32 fb, uint32 buf, int32 db, float d, int32 s)",
  glBlitNamedFramebuffer:
    "void glBlitNamedFramebuffer(uint32 r, uint32 d, int32 a, int32 b, int32 c, int32 e, int32 f, int32 g, int32 h, int32 i, uint32 mask, uint32 filter)",
  glEnable: "void glEnable(uint32 cap)",
  glDisable: "void glDisable(uint32 cap)",
  glScissor: "void glScissor(int32 x, int32 y, int32 w, int32 h)",
  glCreateShader: "uint32 glCreateShader(uint32 type)",
  glShaderSource: "void glShaderSource(uint32 s, int32 count, const char **str, void *len)",
  glCompileShader: "void glCompileShader(uint32 s)",
  glGetShaderiv: "void glGetShaderiv(uint32 s, uint32 pname, void *out)",
  glGetShaderInfoLog: "void glGetShaderInfoLog(uint32 s, int32 size, void *len, void *log)",
  glDeleteShader: "void glDeleteShader(uint32 s)",
  glCreateProgram: "uint32 glCreateProgram()",
  glAttachShader: "void glAttachShader(uint32 p, uint32 s)",
  glDetachShader: "void glDetachShader(uint32 p, uint32 s)",
  glLinkProgram: "void glLinkProgram(uint32 p)",
  glGetProgramiv: "void glGetProgramiv(uint32 p, uint32 pname, void *out)",
  glGetProgramInfoLog: "void glGetProgramInfoLog(uint32 p, int32 size, void *len, void *log)",
  glDeleteProgram: "void glDeleteProgram(uint32 p)",
  glUseProgram: "void glUseProgram(uint32 p)",
  glGetUniformLocation: "int32 glGetUniformLocation(uint32 p, const char *name)",
  glProgramUniform4uiv: "void glProgramUniform4uiv(uint32 p, int32 location, int32 count, const uint32_t *value)",
  glCreateVertexArrays: "void glCreateVertexArrays(int32 n, void *out)",
  glDeleteVertexArrays: "void glDeleteVertexArrays(int32 n, void *names)",
  glBindVertexArray: "void glBindVertexArray(uint32 vao)",
  glEnableVertexArrayAttrib: "void glEnableVertexArrayAttrib(uint32 vao, uint32 i)",
  glDisableVertexArrayAttrib: "void glDisableVertexArrayAttrib(uint32 vao, uint32 i)",
  glVertexArrayAttribFormat:
    "void glVertexArrayAttribFormat(uint32 vao, uint32 i, int32 size, uint32 type, uint8 norm, uint32 off)",
  glVertexArrayAttribIFormat:
    "void glVertexArrayAttribIFormat(uint32 vao, uint32 i, int32 size, uint32 type, uint32 off)",
  glVertexArrayAttribLFormat:
    "void glVertexArrayAttribLFormat(uint32 vao, uint32 i, int32 size, uint32 type, uint32 off)",
  glVertexArrayAttribBinding: "void glVertexArrayAttribBinding(uint32 vao, uint32 i, uint32 b)",
  glVertexArrayVertexBuffer:
    "void glVertexArrayVertexBuffer(uint32 vao, uint32 b, uint32 buf, intptr off, int32 stride)",
  glVertexArrayBindingDivisor: "void glVertexArrayBindingDivisor(uint32 vao, uint32 b, uint32 divisor)",
  glVertexArrayElementBuffer: "void glVertexArrayElementBuffer(uint32 vao, uint32 buf)",
  glDrawArraysInstancedBaseInstance:
    "void glDrawArraysInstancedBaseInstance(uint32 mode, int32 first, int32 count, int32 n, uint32 base)",
  glDrawElementsInstancedBaseVertexBaseInstance:
    "void glDrawElementsInstancedBaseVertexBaseInstance(uint32 mode, int32 count, uint32 type, uintptr off, int32 n, int32 bv, uint32 bi)",
  glBindBufferRange: "void glBindBufferRange(uint32 target, uint32 index, uint32 buf, intptr off, intptr size)",
  glBindTextureUnit: "void glBindTextureUnit(uint32 unit, uint32 tex)",
  glCreateSamplers: "void glCreateSamplers(int32 n, void *out)",
  glDeleteSamplers: "void glDeleteSamplers(int32 n, void *names)",
  glSamplerParameteri: "void glSamplerParameteri(uint32 s, uint32 pname, int32 v)",
  glSamplerParameterf: "void glSamplerParameterf(uint32 s, uint32 pname, float v)",
  glSamplerParameterfv: "void glSamplerParameterfv(uint32 s, uint32 pname, void *v)",
  glBindSampler: "void glBindSampler(uint32 unit, uint32 s)",
  glEnablei: "void glEnablei(uint32 cap, uint32 i)",
  glDisablei: "void glDisablei(uint32 cap, uint32 i)",
  glBlendFuncSeparatei: "void glBlendFuncSeparatei(uint32 b, uint32 sr, uint32 dr, uint32 sa, uint32 da)",
  glBlendEquationi: "void glBlendEquationi(uint32 b, uint32 mode)",
  glBlendEquationSeparatei: "void glBlendEquationSeparatei(uint32 b, uint32 rgb, uint32 a)",
  glColorMaski: "void glColorMaski(uint32 b, uint8 r, uint8 g, uint8 bl, uint8 a)",
  glBlendColor: "void glBlendColor(float r, float g, float b, float a)",
  glLogicOp: "void glLogicOp(uint32 op)",
  glDepthFunc: "void glDepthFunc(uint32 f)",
  glDepthMask: "void glDepthMask(uint8 m)",
  glStencilFuncSeparate: "void glStencilFuncSeparate(uint32 face, uint32 f, int32 ref, uint32 mask)",
  glStencilOpSeparate: "void glStencilOpSeparate(uint32 face, uint32 sf, uint32 zf, uint32 zp)",
  glStencilMaskSeparate: "void glStencilMaskSeparate(uint32 face, uint32 mask)",
  glCullFace: "void glCullFace(uint32 f)",
  glFrontFace: "void glFrontFace(uint32 m)",
  glPolygonMode: "void glPolygonMode(uint32 face, uint32 m)",
  glPolygonOffset: "void glPolygonOffset(float f, float u)",
  glLineWidth: "void glLineWidth(float w)",
  glPointSize: "void glPointSize(float s)",
  glViewportIndexedf: "void glViewportIndexedf(uint32 i, float x, float y, float w, float h)",
  glDepthRangeIndexed: "void glDepthRangeIndexed(uint32 i, double n, double f)",
  glScissorIndexed: "void glScissorIndexed(uint32 i, int32 x, int32 y, int32 w, int32 h)",
  glClipControl: "void glClipControl(uint32 origin, uint32 depth)",
  glSampleMaski: "void glSampleMaski(uint32 i, uint32 mask)",
  glPrimitiveRestartIndex: "void glPrimitiveRestartIndex(uint32 i)",
  glCreateQueries: "void glCreateQueries(uint32 target, int32 n, void *out)",
  glGenQueries: "void glGenQueries(int32 n, void *out)",
  glDeleteQueries: "void glDeleteQueries(int32 n, void *names)",
  glBeginQuery: "void glBeginQuery(uint32 target, uint32 q)",
  glEndQuery: "void glEndQuery(uint32 target)",
  glBeginQueryIndexed: "void glBeginQueryIndexed(uint32 target, uint32 index, uint32 q)",
  glEndQueryIndexed: "void glEndQueryIndexed(uint32 target, uint32 index)",
  glQueryCounter: "void glQueryCounter(uint32 q, uint32 target)",
  glBeginConditionalRender: "void glBeginConditionalRender(uint32 q, uint32 mode)",
  glEndConditionalRender: "void glEndConditionalRender()",
  glGetQueryObjectui64v: "void glGetQueryObjectui64v(uint32 q, uint32 pname, void *out)",
  glGetQueryObjectuiv: "void glGetQueryObjectuiv(uint32 q, uint32 pname, void *out)",
  glGetQueryBufferObjectiv: "void glGetQueryBufferObjectiv(uint32 q, uint32 b, uint32 pname, intptr off)",
  glGetQueryBufferObjectuiv: "void glGetQueryBufferObjectuiv(uint32 q, uint32 b, uint32 pname, intptr off)",
  glGetQueryBufferObjecti64v: "void glGetQueryBufferObjecti64v(uint32 q, uint32 b, uint32 pname, intptr off)",
  glGetQueryBufferObjectui64v: "void glGetQueryBufferObjectui64v(uint32 q, uint32 b, uint32 pname, intptr off)",
  glTransformFeedbackVaryings: "void glTransformFeedbackVaryings(uint32 p, int32 n, const char **names, uint32 mode)",
  glCreateTransformFeedbacks: "void glCreateTransformFeedbacks(int32 n, void *out)",
  glDeleteTransformFeedbacks: "void glDeleteTransformFeedbacks(int32 n, void *names)",
  glBindTransformFeedback: "void glBindTransformFeedback(uint32 target, uint32 xfb)",
  glTransformFeedbackBufferRange:
    "void glTransformFeedbackBufferRange(uint32 xfb, uint32 i, uint32 buf, intptr off, intptr size)",
  glBeginTransformFeedback: "void glBeginTransformFeedback(uint32 mode)",
  glEndTransformFeedback: "void glEndTransformFeedback()",
  glPauseTransformFeedback: "void glPauseTransformFeedback()",
  glResumeTransformFeedback: "void glResumeTransformFeedback()",
  glDrawTransformFeedbackInstanced: "void glDrawTransformFeedbackInstanced(uint32 mode, uint32 xfb, int32 n)",
  glMinSampleShading: "void glMinSampleShading(float value)",
  glGetMultisamplefv: "void glGetMultisamplefv(uint32 pname, uint32 index, void *out)",
  glBindBuffer: "void glBindBuffer(uint32 target, uint32 buf)",
  glDrawArraysIndirect: "void glDrawArraysIndirect(uint32 mode, uintptr off)",
  glDrawElementsIndirect: "void glDrawElementsIndirect(uint32 mode, uint32 type, uintptr off)",
  glMultiDrawArraysIndirect: "void glMultiDrawArraysIndirect(uint32 mode, uintptr off, int32 n, int32 stride)",
  glMultiDrawElementsIndirect:
    "void glMultiDrawElementsIndirect(uint32 mode, uint32 type, uintptr off, int32 n, int32 stride)",
  glDispatchCompute: "void glDispatchCompute(uint32 x, uint32 y, uint32 z)",
  glDispatchComputeIndirect: "void glDispatchComputeIndirect(intptr off)",
  glBindImageTexture:
    "void glBindImageTexture(uint32 unit, uint32 tex, int32 level, uint8 layered, int32 layer, uint32 access, uint32 fmt)",
  glMemoryBarrier: "void glMemoryBarrier(uint32 barriers)",
  glPatchParameteri: "void glPatchParameteri(uint32 pname, int32 value)",
  glPatchParameterfv: "void glPatchParameterfv(uint32 pname, void *values)",
} as const;

/** An entry point newer than GL 4.3 core: from GL `version` (× 10) on, or with `extension` under `extensionName`. */
export interface GlOptionalEntryPoint {
  readonly prototype: string;
  readonly version: number;
  readonly extension: string;
  readonly extensionName: string;
}

/** Entry points loaded only where the context's version or an extension has them (the others are required). */
export const GL_OPTIONAL_PROTOTYPES = {
  glTextureBarrier: {
    prototype: "void glTextureBarrier()",
    version: 45,
    extension: "GL_ARB_texture_barrier",
    extensionName: "glTextureBarrier",
  },
  // Core in OpenGL ES 3.2 only: a desktop context has it through the extension alone.
  glBlendBarrierKHR: {
    prototype: "void glBlendBarrierKHR()",
    version: Number.POSITIVE_INFINITY,
    extension: "GL_KHR_blend_equation_advanced",
    extensionName: "glBlendBarrierKHR",
  },
  glMultiDrawArraysIndirectCount: {
    prototype:
      "void glMultiDrawArraysIndirectCount(uint32 mode, uintptr off, intptr countOff, int32 max, int32 stride)",
    version: 46,
    extension: "GL_ARB_indirect_parameters",
    extensionName: "glMultiDrawArraysIndirectCountARB",
  },
  glMultiDrawElementsIndirectCount: {
    prototype:
      "void glMultiDrawElementsIndirectCount(uint32 mode, uint32 type, uintptr off, intptr countOff, int32 max, int32 stride)",
    version: 46,
    extension: "GL_ARB_indirect_parameters",
    extensionName: "glMultiDrawElementsIndirectCountARB",
  },
} as const satisfies Record<string, GlOptionalEntryPoint>;
