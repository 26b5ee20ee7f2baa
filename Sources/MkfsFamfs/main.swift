import FamfsCLI
import Glibc

// A peer that closed its end (a pipe to head, a control socket) must give EPIPE, not kill us.
signal(SIGPIPE, SIG_IGN)
MkfsCommand.main()
