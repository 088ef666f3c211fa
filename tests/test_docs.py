"""The users' documents stand on their own: every link of the README and docs/ points at a file of
the project (nothing outside it), the guide is linked from the README, its screenshots are small."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_link_points_at_a_file_of_the_project():
    for doc in DOCS:
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = (doc.parent / target.split("#")[0]).resolve()
            assert path.is_relative_to(ROOT), f"{doc.name} links outside the project: {target}"
            assert path.exists(), f"{doc.name} links to a missing file: {target}"


def test_the_guide_is_linked_and_walks_every_role_with_small_screenshots():
    assert "(docs/guide.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    for role in ("居民", "志愿者", "网格长", "社区管理员", "installs the bot"):
        assert role in guide
    shots = [ROOT / "docs" / t for t in LINK.findall(guide) if t.startswith("img/")]
    assert len(shots) >= 3
    for shot in shots:
        assert shot.suffix == ".png" and shot.stat().st_size < 150_000, shot
