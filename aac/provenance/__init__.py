"""Honest by construction: what aac-avatar makes says so (C2PA credentials, invisible marks) and can be verified."""
