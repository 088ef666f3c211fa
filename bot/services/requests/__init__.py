"""Requests for help: 点单 (asking), 派单 (the board), 接单 (claiming), 评单 (rating)."""
