"""Friday door visits (周五入户): the visit log, the ledger, the reminders."""
