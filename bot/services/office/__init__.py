"""The web dashboard's reads and actions (the community office)."""
