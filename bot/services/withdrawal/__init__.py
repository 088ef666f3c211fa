"""吹哨's withdrawal: when the community settles a request or a meeting item itself (the meeting closes
the item; the request is closed, cancelled or completed) while a department still has it, the open
referral is withdrawn in the same transaction and the department's contact is told no answer is
needed. A package of its own because the meeting and the request loop call it, and 吹哨
(bot/services/referrals) builds on the meeting."""

from .withdrawing import ReferralCardWithdrawn, ReferralWithdrawn, withdraw_referrals

__all__ = ["ReferralCardWithdrawn", "ReferralWithdrawn", "withdraw_referrals"]
