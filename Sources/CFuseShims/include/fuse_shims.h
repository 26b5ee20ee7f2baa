#ifndef FUSE_SHIMS_H
#define FUSE_SHIMS_H

/* C helpers for the FuseProtocol target: ioctl request numbers and CMSG macros that Swift
 * cannot express. Nothing here knows about famfs. */

/* ioctl(newfd, FUSE_DEV_IOC_CLONE, &sessionfd): attach a freshly opened /dev/fuse fd to the
 * connection of `sessionfd`. Returns 0 or -1 with errno set. */
int fuse_shim_dev_clone(int newfd, int sessionfd);

/* Receive one file descriptor sent with SCM_RIGHTS on a unix socket (the fusermount3 protocol:
 * one data byte plus the descriptor). Returns the fd, or -1 with errno set (ENODATA when the peer
 * closed without sending a descriptor). */
int fuse_shim_receive_fd(int sock);

#endif
