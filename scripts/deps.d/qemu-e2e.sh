# The Linux-guest test: a busybox initramfs, depmod for the unpacked kernel, and the shared libraries QEMU 10 from
# bookworm-backports needs (the QEMU and kernel packages themselves are fetched with apt-get download, not installed).
APT_PACKAGES+=(busybox-static cpio kmod dpkg-dev)
APT_PACKAGES+=(libcapstone4 libpmem1 libfdt1 librdmacm1 libibverbs1 libslirp0 libvdeplug2 libfuse3-3 libaio1 liburing2)
