"""Helpers shared by the tests: a sandbox harness, row factories, worker processes, the fuzz kit."""
