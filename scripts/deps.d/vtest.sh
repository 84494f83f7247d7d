# Real vtest clients: Mesa's virgl driver (virpipe) run by wflinfo and piglit; virgl-server is the reference.
APT_PACKAGES+=(virgl-server piglit waffle-utils mesa-utils libgl1-mesa-dri libegl-mesa0)
# glmark2 under Xvfb for `npm run bench:virgl` (issue "virgl part 3"'s scenes and --validate).
APT_PACKAGES+=(glmark2-x11 xvfb)
