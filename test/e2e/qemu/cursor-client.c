/* Sets and moves a 64x64 cursor on the first CRTC through the legacy DRM cursor ioctls, so the virtio-gpu driver
 * sends RESOURCE_CREATE_2D, ATTACH_BACKING, TRANSFER_TO_HOST_2D, UPDATE_CURSOR and MOVE_CURSOR. Structs and ioctl
 * numbers are Linux's include/uapi/drm/drm.h and drm_mode.h. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct drm_mode_card_res {
  uint64_t fb_id_ptr, crtc_id_ptr, connector_id_ptr, encoder_id_ptr;
  uint32_t count_fbs, count_crtcs, count_connectors, count_encoders;
  uint32_t min_width, max_width, min_height, max_height;
};
struct drm_mode_create_dumb {
  uint32_t height, width, bpp, flags, handle, pitch;
  uint64_t size;
};
struct drm_mode_cursor {
  uint32_t flags, crtc_id;
  int32_t x, y;
  uint32_t width, height, handle;
};
#define DRM_IOCTL_MODE_GETRESOURCES _IOWR('d', 0xA0, struct drm_mode_card_res)
#define DRM_IOCTL_MODE_CURSOR _IOWR('d', 0xA3, struct drm_mode_cursor)
#define DRM_IOCTL_MODE_CREATE_DUMB _IOWR('d', 0xB2, struct drm_mode_create_dumb)
#define DRM_MODE_CURSOR_BO 0x01
#define DRM_MODE_CURSOR_MOVE 0x02

int main(void) {
  int fd = open("/dev/dri/card0", O_RDWR);
  if (fd < 0) { perror("open"); return 1; }
  uint32_t crtcs[8] = {0};
  struct drm_mode_card_res res;
  memset(&res, 0, sizeof res);
  if (ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0) { perror("getresources"); return 1; }
  if (res.count_crtcs > 8) res.count_crtcs = 8;
  res.count_fbs = res.count_connectors = res.count_encoders = 0;
  res.crtc_id_ptr = (uint64_t)(uintptr_t)crtcs;
  if (ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0) { perror("getresources 2"); return 1; }
  struct drm_mode_create_dumb dumb = {.height = 64, .width = 64, .bpp = 32};
  if (ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb) < 0) { perror("create dumb"); return 1; }
  struct drm_mode_cursor cur = {.flags = DRM_MODE_CURSOR_BO, .crtc_id = crtcs[0], .width = 64, .height = 64,
                                .handle = dumb.handle};
  if (ioctl(fd, DRM_IOCTL_MODE_CURSOR, &cur) < 0) { perror("cursor bo"); return 1; }
  struct drm_mode_cursor move = {.flags = DRM_MODE_CURSOR_MOVE, .crtc_id = crtcs[0], .x = 100, .y = 50};
  if (ioctl(fd, DRM_IOCTL_MODE_CURSOR, &move) < 0) { perror("cursor move"); return 1; }
  printf("cursor set on crtc %u\n", crtcs[0]);
  return 0;
}
