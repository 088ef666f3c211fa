"""The basics every feature shares: the Core bundle, clock, errors, notices, inputs, periods."""
