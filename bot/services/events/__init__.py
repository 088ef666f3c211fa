"""Community events: planning, sign-ups, reminders."""
