// The controld executable: parse the command line, run the subcommand, and turn
// any failure into one line on stderr and an exit status.
await CommandLineEntry.run(arguments: Array(CommandLine.arguments.dropFirst()))
