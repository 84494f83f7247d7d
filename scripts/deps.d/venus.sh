# venus: the host Vulkan the binding tests call (lavapipe), gcc for the struct layout test, and what the Vulkan
# registry download (libvulkan-dev 1.4.309's .deb) and the Debian 13 root need: curl, dpkg-deb, mmdebstrap.
APT_PACKAGES+=(mesa-vulkan-drivers libvulkan1 gcc libc6-dev curl dpkg mmdebstrap)
