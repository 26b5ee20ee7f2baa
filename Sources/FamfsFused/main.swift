import FamfsCLI
FusedCommand.main()
