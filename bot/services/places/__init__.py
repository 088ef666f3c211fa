"""Communities, grids, their group chats and households."""
