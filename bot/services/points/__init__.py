"""Red points (红色积分): a person's points and the leaderboards."""
