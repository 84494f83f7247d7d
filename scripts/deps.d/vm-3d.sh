# The 3D guest test and its reference: QEMU's built-in virtio-vga-gl renders with virglrenderer on llvmpipe through
# its SDL display (GL) inside Xvfb, and xwd takes the frame from the X window. QEMU's opengl module and SDL display
# module load these at run time.
APT_PACKAGES+=(xvfb x11-apps x11-utils libsdl2-2.0-0 libvirglrenderer1 libepoxy0 libgbm1)
# The hold shim preloaded into kmscube is compiled on the host (scripts/lib/guest-image-3d.ts).
APT_PACKAGES+=(gcc libc6-dev)
