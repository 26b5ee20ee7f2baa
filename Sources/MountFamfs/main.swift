#if canImport(Glibc)
import Glibc
#endif
import FamfsCLI

// mount.famfs: what mount(8) runs for `mount -t famfs` and famfs lines in /etc/fstab.
exit(MountHelper.main(CommandLine.arguments))
