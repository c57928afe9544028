"""One module per `aac-avatar` subcommand; each defines `register(subparsers)`.

The command line discovers the modules here, so adding a subcommand touches no shared file.
"""
