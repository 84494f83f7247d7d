#!/usr/bin/env node
// The vhost-user-gpu backend as a program of its own, for QEMU's and libvirt's backend conventions
// (data/50-rutabaga-ts-gpu.json names it): same as `rutabaga-ts vhost-user-gpu`; the CLI knows it by this file's name.
await import("./rutabaga-ts.js");
