# Host GL for the virgl component: libEGL (surfaceless platform) and Mesa's llvmpipe (desktop GL 4.5 core).
APT_PACKAGES+=(libegl1 libegl-mesa0 libgl1-mesa-dri libgles2 libgl1)
