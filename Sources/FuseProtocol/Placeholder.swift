// The FUSE protocol layer lands in the next commits.
