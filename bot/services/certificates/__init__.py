"""志愿服务证明 service certificates: a volunteer's confirmed hours and points over a period, numbered
and kept, for the volunteer (/certificate) and the office (the dashboard)."""

from .checking import IssuedCertificate, check_certificate
from .issuing import Certificate, certificate_for_viewer, my_certificate
from .periods import CHOICES, FIRST_DAY, MAX_DAYS, Choice, parse_range, period_of

__all__ = [
    "CHOICES",
    "FIRST_DAY",
    "MAX_DAYS",
    "Certificate",
    "Choice",
    "IssuedCertificate",
    "check_certificate",
    "certificate_for_viewer",
    "my_certificate",
    "parse_range",
    "period_of",
]
