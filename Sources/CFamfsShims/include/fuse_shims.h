#ifndef FAMFS_FUSE_SHIMS_H
#define FAMFS_FUSE_SHIMS_H

/* C helpers for the FuseProtocol target: ioctl request numbers and CMSG macros that Swift
 * cannot express. Nothing here knows about famfs. */

/* ioctl(newfd, FUSE_DEV_IOC_CLONE, &sessionfd): attach a freshly opened /dev/fuse fd to the
 * connection of `sessionfd`. Returns 0 or -1 with errno set. */
int famfs_fuse_dev_clone(int newfd, int sessionfd);

/* The FUSE_DEV_IOC_CLONE request number (_IOR(229, 0, uint32_t)), for tests. */
unsigned long famfs_fuse_dev_ioc_clone_request(void);

/* Receive one file descriptor sent with SCM_RIGHTS on a unix socket (the fusermount3 protocol:
 * one data byte plus the descriptor). Returns the fd, or -1 with errno set (ENODATA when the peer
 * closed without sending a descriptor). */
int famfs_fuse_receive_fd(int sock);

#endif
