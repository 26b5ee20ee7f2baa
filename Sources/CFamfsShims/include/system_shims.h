#ifndef FAMFS_SYSTEM_SHIMS_H
#define FAMFS_SYSTEM_SHIMS_H

#include <stddef.h>
#include <sys/types.h>

/* Wrappers for calls whose headers the Swift Glibc module does not export. */

/// getxattr(2).
ssize_t famfs_getxattr(const char *path, const char *name, void *value, size_t size);
/// statfs(2) f_type of the file system holding `path`, or -1 with errno set.
long famfs_statfs_type(const char *path);
/// POSIX_SPAWN_SETSID (glibc ≥ 2.26).
short famfs_posix_spawn_setsid(void);
/// posix_spawn_file_actions_addclosefrom_np (glibc ≥ 2.34): the child closes every fd ≥ `from`.
/// `actions` is a posix_spawn_file_actions_t *.
int famfs_spawn_closefrom(void *actions, int from);

/// The uid of the process at the other end of a connected UNIX socket (SO_PEERCRED), or -1.
long famfs_peer_uid(int fd);

#endif
