"""The command line: `koordination` and its sub-commands (entry point: `cli.main.main`)."""
