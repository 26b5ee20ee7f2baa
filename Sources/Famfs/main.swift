import FamfsCLI
FamfsCommand.main()
