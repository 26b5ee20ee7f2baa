import FamfsCLI
MkfsCommand.main()
