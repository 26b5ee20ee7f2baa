#define _GNU_SOURCE
#include "system_shims.h"

#include <spawn.h>
#include <sys/vfs.h>
#include <sys/socket.h>
#include <sys/xattr.h>

ssize_t famfs_getxattr(const char *path, const char *name, void *value, size_t size)
{
    return getxattr(path, name, value, size);
}

long famfs_statfs_type(const char *path)
{
    struct statfs st;
    if (statfs(path, &st) != 0)
        return -1;
    return (long)st.f_type;
}

short famfs_posix_spawn_setsid(void) { return POSIX_SPAWN_SETSID; }

int famfs_spawn_closefrom(void *actions, int from)
{
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, from);
}

long famfs_peer_uid(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return -1;
    return (long)cred.uid;
}
