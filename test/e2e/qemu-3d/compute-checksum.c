// A GLES 3.1 compute workload for the 3D guest (test/e2e/qemu-3d/): GBM on the DRM render node, EGL on the GBM
// platform, a surfaceless ES 3.1 context. Two dispatches, both indirect:
//   A (64 invocations a group, 16 groups, parameters from a buffer the CPU filled) reads an SSBO, mixes neighbours
//     through shared memory and barrier(), writes an SSBO, a per-group sum (a shared-memory tree reduction), an r32ui
//     image, counts odd inputs with an atomic counter, and writes the parameters of dispatch B into a buffer;
//   B (parameters from that GPU-written buffer, after glMemoryBarrier(GL_COMMAND_BARRIER_BIT | ...)) loads the image,
//     the SSBO A wrote and the atomic counter, and writes a second SSBO.
// Every result is read back (buffers mapped, the image through an FBO and glReadPixels) and compared with the same
// arithmetic done on the CPU. Prints GL_VERSION and GL_RENDERER, `checksum <hex>` (FNV-1a over all results read
// back), then `compute ok`, or `compute FAIL <reason>` and exits non-zero.
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES3/gl31.h>
#include <fcntl.h>
#include <gbm.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOCAL_SIZE 64u
#define GROUPS 16u
#define COUNT (LOCAL_SIZE * GROUPS)
#define IMAGE_W 32u
#define IMAGE_H (COUNT / IMAGE_W)
#define MIX_FACTOR 2654435761u

static const char *const SHADER_A =
    "#version 310 es\n"
    "layout(local_size_x = 64) in;\n"
    "layout(std430, binding = 0) readonly buffer Src { uint src[]; };\n"
    "layout(std430, binding = 1) writeonly buffer Mixed { uint mixed[]; };\n"
    "layout(std430, binding = 2) writeonly buffer Sums { uint sums[]; };\n"
    "layout(std430, binding = 3) writeonly buffer Next { uint next[3]; };\n"
    "layout(binding = 0, offset = 0) uniform atomic_uint odd;\n"
    "layout(r32ui, binding = 0) writeonly uniform highp uimage2D img;\n"
    "shared uint tile[64];\n"
    "void main() {\n"
    "  uint lid = gl_LocalInvocationID.x;\n"
    "  uint gid = gl_GlobalInvocationID.x;\n"
    "  uint v = src[gid];\n"
    "  tile[lid] = v;\n"
    "  memoryBarrierShared();\n"
    "  barrier();\n"
    "  uint w = tile[63u - lid] * 2654435761u + tile[(lid + 1u) & 63u];\n"
    "  mixed[gid] = w ^ gid;\n"
    "  imageStore(img, ivec2(int(gid % 32u), int(gid / 32u)), uvec4(w, 0u, 0u, 0u));\n"
    "  if ((v & 1u) == 1u) atomicCounterIncrement(odd);\n"
    "  memoryBarrierShared();\n"
    "  barrier();\n"
    "  for (uint s = 32u; s > 0u; s >>= 1u) {\n"
    "    if (lid < s) tile[lid] += tile[lid + s];\n"
    "    memoryBarrierShared();\n"
    "    barrier();\n"
    "  }\n"
    "  if (lid == 0u) sums[gl_WorkGroupID.x] = tile[0];\n"
    "  if (gid == 0u) {\n"
    "    next[0] = gl_NumWorkGroups.x;\n"
    "    next[1] = 1u;\n"
    "    next[2] = 1u;\n"
    "  }\n"
    "}\n";

static const char *const SHADER_B =
    "#version 310 es\n"
    "layout(local_size_x = 64) in;\n"
    "layout(std430, binding = 1) readonly buffer Mixed { uint mixed[]; };\n"
    "layout(std430, binding = 4) writeonly buffer Check { uint check[]; };\n"
    "layout(binding = 0, offset = 0) uniform atomic_uint odd;\n"
    "layout(r32ui, binding = 1) readonly uniform highp uimage2D img;\n"
    "void main() {\n"
    "  uint gid = gl_GlobalInvocationID.x;\n"
    "  uint texel = imageLoad(img, ivec2(int(gid % 32u), int(gid / 32u))).x;\n"
    "  check[gid] = (texel ^ (mixed[gid] * 3u)) + atomicCounter(odd);\n"
    "}\n";

static void fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  printf("compute FAIL ");
  vprintf(format, args);
  printf("\n");
  va_end(args);
  fflush(stdout);
  exit(1);
}

static void check_gl(const char *step) {
  GLenum error = glGetError();
  if (error != GL_NO_ERROR) fail("GL error 0x%04x after %s", error, step);
}

static uint32_t fnv1a(uint32_t hash, const uint32_t *words, size_t count) {
  for (size_t i = 0; i < count; i++)
    for (int b = 0; b < 4; b++) {
      hash ^= (words[i] >> (8 * b)) & 0xffu;
      hash *= 16777619u;
    }
  return hash;
}

static GLuint program(const char *source, const char *name) {
  GLuint shader = glCreateShader(GL_COMPUTE_SHADER);
  glShaderSource(shader, 1, &source, NULL);
  glCompileShader(shader);
  GLint ok = 0;
  char log[2048] = "";
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    glGetShaderInfoLog(shader, sizeof log, NULL, log);
    fail("compiling shader %s: %s", name, log);
  }
  GLuint prog = glCreateProgram();
  glAttachShader(prog, shader);
  glLinkProgram(prog);
  glGetProgramiv(prog, GL_LINK_STATUS, &ok);
  if (!ok) {
    glGetProgramInfoLog(prog, sizeof log, NULL, log);
    fail("linking program %s: %s", name, log);
  }
  glDeleteShader(shader);
  check_gl(name);
  return prog;
}

static GLuint buffer(GLenum target, GLsizeiptr size, const void *data) {
  GLuint name;
  glGenBuffers(1, &name);
  glBindBuffer(target, name);
  glBufferData(target, size, data, GL_DYNAMIC_COPY);
  return name;
}

/** Copies a buffer's first `count` words into `out` through a read mapping. */
static void read_buffer(GLuint name, uint32_t *out, size_t count, const char *what) {
  glBindBuffer(GL_SHADER_STORAGE_BUFFER, name);
  const void *p = glMapBufferRange(GL_SHADER_STORAGE_BUFFER, 0, (GLsizeiptr)(count * 4), GL_MAP_READ_BIT);
  if (p == NULL) fail("mapping %s: GL error 0x%04x", what, glGetError());
  memcpy(out, p, count * 4);
  glUnmapBuffer(GL_SHADER_STORAGE_BUFFER);
  check_gl(what);
}

static void compare(const char *what, const uint32_t *got, const uint32_t *want, size_t count) {
  for (size_t i = 0; i < count; i++)
    if (got[i] != want[i]) fail("%s[%zu] = 0x%08x, expected 0x%08x", what, i, got[i], want[i]);
}

/** Opens the render node (or the primary node) and a GBM device on it. */
static struct gbm_device *open_gbm(void) {
  static const char *const nodes[] = {"/dev/dri/renderD128", "/dev/dri/card0"};
  for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
    int fd = open(nodes[i], O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;
    struct gbm_device *gbm = gbm_create_device(fd);
    if (gbm != NULL) {
      printf("device: %s (%s)\n", nodes[i], gbm_device_get_backend_name(gbm));
      return gbm;
    }
    close(fd);
  }
  fail("no GBM device on /dev/dri/renderD128 or /dev/dri/card0");
  return NULL;
}

/** A surfaceless ES context of `major`.`minor`, current; EGL_NO_CONTEXT when the driver refuses that version. */
static EGLContext make_context(EGLDisplay display, EGLint major, EGLint minor) {
  const EGLint attributes[] = {EGL_CONTEXT_MAJOR_VERSION, major, EGL_CONTEXT_MINOR_VERSION, minor, EGL_NONE};
  EGLContext context = eglCreateContext(display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attributes);
  if (context == EGL_NO_CONTEXT) return EGL_NO_CONTEXT;
  if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context))
    fail("eglMakeCurrent: EGL error 0x%04x", eglGetError());
  return context;
}

static int has_extension(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p != NULL && (p = strstr(p, name)) != NULL; p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
  return 0;
}

/** The CPU's version of both dispatches: the values every buffer and the image must hold. */
struct expected {
  uint32_t mixed[COUNT];
  uint32_t texels[COUNT];
  uint32_t sums[GROUPS];
  uint32_t odd;
  uint32_t next[3];
  uint32_t check[COUNT];
};

static void expect(const uint32_t *src, struct expected *e) {
  e->odd = 0;
  for (uint32_t g = 0; g < GROUPS; g++) {
    const uint32_t *tile = src + g * LOCAL_SIZE;
    uint32_t sum = 0;
    for (uint32_t l = 0; l < LOCAL_SIZE; l++) {
      uint32_t gid = g * LOCAL_SIZE + l;
      uint32_t w = tile[LOCAL_SIZE - 1 - l] * MIX_FACTOR + tile[(l + 1) % LOCAL_SIZE];
      e->mixed[gid] = w ^ gid;
      e->texels[gid] = w;
      e->odd += tile[l] & 1u;
      sum += tile[l];
    }
    e->sums[g] = sum;
  }
  e->next[0] = GROUPS;
  e->next[1] = 1;
  e->next[2] = 1;
  for (uint32_t i = 0; i < COUNT; i++) e->check[i] = (e->texels[i] ^ (e->mixed[i] * 3u)) + e->odd;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct gbm_device *gbm = open_gbm();
  EGLDisplay display = eglGetPlatformDisplay(EGL_PLATFORM_GBM_KHR, gbm, NULL);
  EGLint egl_major, egl_minor;
  if (display == EGL_NO_DISPLAY || !eglInitialize(display, &egl_major, &egl_minor))
    fail("no EGL display on GBM: EGL error 0x%04x", eglGetError());
  const char *extensions = eglQueryString(display, EGL_EXTENSIONS);
  static const char *const needed[] = {"EGL_KHR_surfaceless_context", "EGL_KHR_no_config_context"};
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
    if (!has_extension(extensions, needed[i])) fail("EGL %d.%d lacks %s", egl_major, egl_minor, needed[i]);
  if (!eglBindAPI(EGL_OPENGL_ES_API)) fail("eglBindAPI(EGL_OPENGL_ES_API): EGL error 0x%04x", eglGetError());

  EGLContext context = make_context(display, 3, 1);
  EGLint refusal = context == EGL_NO_CONTEXT ? eglGetError() : EGL_SUCCESS;
  // Without ES 3.1 the version the driver does offer is still worth printing.
  if (context == EGL_NO_CONTEXT && make_context(display, 2, 0) == EGL_NO_CONTEXT)
    fail("no GLES context at all: EGL error 0x%04x", eglGetError());
  printf("GL_VERSION: %s\n", (const char *)glGetString(GL_VERSION));
  printf("GL_RENDERER: %s\n", (const char *)glGetString(GL_RENDERER));
  if (context == EGL_NO_CONTEXT) fail("no GLES 3.1 context: EGL error 0x%04x", refusal);

  uint32_t src[COUNT];
  uint32_t state = 12345u;
  for (uint32_t i = 0; i < COUNT; i++) {
    state = state * 1664525u + 1013904223u;
    src[i] = state;
  }
  static struct expected want;
  expect(src, &want);

  GLuint prog_a = program(SHADER_A, "A");
  GLuint prog_b = program(SHADER_B, "B");
  static const uint32_t dispatch_a[3] = {GROUPS, 1, 1};
  static const uint32_t zeros[COUNT];
  GLuint src_buf = buffer(GL_SHADER_STORAGE_BUFFER, sizeof src, src);
  GLuint mixed_buf = buffer(GL_SHADER_STORAGE_BUFFER, sizeof zeros, zeros);
  GLuint sums_buf = buffer(GL_SHADER_STORAGE_BUFFER, GROUPS * 4, zeros);
  GLuint next_buf = buffer(GL_SHADER_STORAGE_BUFFER, sizeof dispatch_a, zeros);
  GLuint check_buf = buffer(GL_SHADER_STORAGE_BUFFER, sizeof zeros, zeros);
  GLuint counter_buf = buffer(GL_ATOMIC_COUNTER_BUFFER, 4, zeros);
  GLuint indirect_buf = buffer(GL_DISPATCH_INDIRECT_BUFFER, sizeof dispatch_a, dispatch_a);
  check_gl("creating buffers");

  GLuint image;
  glGenTextures(1, &image);
  glBindTexture(GL_TEXTURE_2D, image);
  glTexStorage2D(GL_TEXTURE_2D, 1, GL_R32UI, IMAGE_W, IMAGE_H);
  check_gl("creating the image");

  glBindBufferBase(GL_SHADER_STORAGE_BUFFER, 0, src_buf);
  glBindBufferBase(GL_SHADER_STORAGE_BUFFER, 1, mixed_buf);
  glBindBufferBase(GL_SHADER_STORAGE_BUFFER, 2, sums_buf);
  glBindBufferBase(GL_SHADER_STORAGE_BUFFER, 3, next_buf);
  glBindBufferBase(GL_SHADER_STORAGE_BUFFER, 4, check_buf);
  glBindBufferBase(GL_ATOMIC_COUNTER_BUFFER, 0, counter_buf);
  glBindImageTexture(0, image, 0, GL_FALSE, 0, GL_WRITE_ONLY, GL_R32UI);
  glBindImageTexture(1, image, 0, GL_FALSE, 0, GL_READ_ONLY, GL_R32UI);
  check_gl("binding");

  glUseProgram(prog_a);
  glBindBuffer(GL_DISPATCH_INDIRECT_BUFFER, indirect_buf);
  glDispatchComputeIndirect(0);
  check_gl("dispatch A");
  glMemoryBarrier(GL_COMMAND_BARRIER_BIT | GL_SHADER_STORAGE_BARRIER_BIT | GL_SHADER_IMAGE_ACCESS_BARRIER_BIT |
                  GL_ATOMIC_COUNTER_BARRIER_BIT);
  glUseProgram(prog_b);
  glBindBuffer(GL_DISPATCH_INDIRECT_BUFFER, next_buf);
  glDispatchComputeIndirect(0);
  check_gl("dispatch B");
  glMemoryBarrier(GL_BUFFER_UPDATE_BARRIER_BIT | GL_FRAMEBUFFER_BARRIER_BIT);

  static uint32_t mixed[COUNT], sums[GROUPS], next[3], check[COUNT], odd, rgba[COUNT * 4], texels[COUNT];
  read_buffer(mixed_buf, mixed, COUNT, "the mixed SSBO");
  read_buffer(sums_buf, sums, GROUPS, "the sums SSBO");
  read_buffer(next_buf, next, 3, "the dispatch parameters SSBO");
  read_buffer(check_buf, check, COUNT, "the check SSBO");
  read_buffer(counter_buf, &odd, 1, "the atomic counter");

  GLuint fbo;
  glGenFramebuffers(1, &fbo);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, image, 0);
  GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  if (status != GL_FRAMEBUFFER_COMPLETE) fail("the image's framebuffer is incomplete (0x%04x)", status);
  glReadPixels(0, 0, IMAGE_W, IMAGE_H, GL_RGBA_INTEGER, GL_UNSIGNED_INT, rgba);
  check_gl("reading the image");
  for (uint32_t i = 0; i < COUNT; i++) texels[i] = rgba[i * 4];

  uint32_t hash = 2166136261u;
  hash = fnv1a(hash, mixed, COUNT);
  hash = fnv1a(hash, texels, COUNT);
  hash = fnv1a(hash, sums, GROUPS);
  hash = fnv1a(hash, &odd, 1);
  hash = fnv1a(hash, next, 3);
  hash = fnv1a(hash, check, COUNT);
  printf("checksum %08x\n", hash);

  compare("mixed", mixed, want.mixed, COUNT);
  compare("image", texels, want.texels, COUNT);
  compare("sums", sums, want.sums, GROUPS);
  compare("atomic counter", &odd, &want.odd, 1);
  compare("dispatch parameters", next, want.next, 3);
  compare("check", check, want.check, COUNT);
  printf("compute ok\n");

  eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  eglDestroyContext(display, context);
  eglTerminate(display);
  gbm_device_destroy(gbm);
  return 0;
}
