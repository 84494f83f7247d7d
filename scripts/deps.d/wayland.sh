# cross-domain / Wayland: weston 10 (headless + pixman, x11 backend under Xvfb) as the host compositor, wayland-info and
# weston-simple-shm as real clients, the protocol XML (libwayland-dev, wayland-protocols) the wire codec is built from.
APT_PACKAGES+=(weston wayland-utils libwayland-bin libwayland-dev wayland-protocols xvfb xauth)
