"""The weekly digest for grid leaders and admins."""
