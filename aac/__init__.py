"""aac-avatar: the application (boards, prediction, access methods, UI, command line)."""
