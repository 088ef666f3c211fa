"""`redvest export` (not built yet)."""


def add_parser(subs) -> None:  # type: ignore[no-untyped-def]
    pass
