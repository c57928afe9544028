"""One person's setup: schema, YAML store, caregiver setup wizard, consent."""
