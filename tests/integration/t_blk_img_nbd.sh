#!/usr/bin/env bash
# t_blk_img.sh on the other path: the QEMU formats served by qemu-nbd, blkback as
# its NBD client (server=nbd, or auto where qemu-storage-daemon is missing). Fewer
# clones: the twenty-at-once case runs on the default path.
SERVER=nbd NCLONES=${NCLONES:-6} exec "$(dirname "$0")/t_blk_img.sh"
