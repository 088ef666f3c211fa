"""The update gate: every update handled once, in order per person, by polling or webhook."""
