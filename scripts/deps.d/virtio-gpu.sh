# The EDID test checks our blocks with an independent decoder.
APT_PACKAGES+=(edid-decode)
