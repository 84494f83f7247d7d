#!/usr/bin/env node
// The vhost-user-gpu backend as a program of its own, for QEMU's and libvirt's backend conventions
// (data/50-rutabaga-ts-gpu.json names it): same as `rutabaga-ts vhost-user-gpu`.
process.argv.splice(2, 0, "vhost-user-gpu");
await import("./rutabaga-ts.js");
