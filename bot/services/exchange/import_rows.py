"""What each CSV kind looks like: its columns, which are required, the Chinese names they may go by
(docs/import.md; English names are the columns themselves), and the checker of its rows."""

from __future__ import annotations

from dataclasses import dataclass

from .import_checker import Checker
from .import_places import CommunityRows, GridRows, HouseholdRows
from .import_volunteers import VolunteerRows


@dataclass(frozen=True)
class Kind:
    columns: tuple[str, ...]
    required: tuple[str, ...]
    aliases: dict[str, str]
    checker: type[Checker]
    # columns an export of this kind writes that the import reads past (figures of the period)
    read_only: tuple[str, ...] = ()
    # with this column, rows name existing records and `required` is just it (households: `#12`)
    key: str | None = None

    def column(self, header: str, exported: dict[str, str] | None = None) -> str | None:
        h = header.strip().lower().replace(" ", "_")
        if h in self.columns or h in self.read_only:
            return h
        found = self.aliases.get(header.strip()) or (exported or {}).get(header.strip().lower())
        return found if found in self.columns or found in self.read_only else None

    def required_with(self, columns: list[str | None]) -> tuple[str, ...]:
        return (self.key,) if self.key is not None and self.key in columns else self.required


_COMMON = {"社区": "community", "网格": "grid", "备注": "note", "电话": "phone", "手机": "phone", "手机号": "phone"}
KINDS: dict[str, Kind] = {
    "communities": Kind(
        ("name", "timezone"),
        ("name",),
        {"名称": "name", "社区": "name", "社区名称": "name", "时区": "timezone"},
        CommunityRows,
    ),
    "grids": Kind(
        ("community", "name", "leader_tg_id"),
        ("community", "name"),
        {
            "社区": "community",
            "网格": "name",
            "名称": "name",
            "网格名称": "name",
            "网格长ID": "leader_tg_id",
            "网格长": "leader_tg_id",
        },
        GridRows,
    ),
    "households": Kind(
        (
            "household",
            "community",
            "grid",
            "building",
            "address",
            "members",
            "member_count",
            "care_flags",
            "phone",
            "note",
            "volunteer_tg_id",
        ),
        ("community", "grid", "address"),
        {
            **_COMMON,
            "楼栋": "building",
            "楼号": "building",
            "地址": "address",
            "成员": "members",
            "家庭成员": "members",
            "人数": "member_count",
            "关爱类别": "care_flags",
            "结对志愿者ID": "volunteer_tg_id",
            "户号": "household",
        },
        HouseholdRows,
        read_only=("paired", "visits", "last_visit", "last_outcome", "red_flags", "visit_ledger", "care"),
        key="household",
    ),
    "volunteers": Kind(
        (
            "tg_user_id",
            "name",
            "phone",
            "community",
            "grid",
            "work_group",
            "party_member",
            "skills",
            "availability",
            "consent",
            "status",
            "shock_team",
            "unit",
        ),
        ("tg_user_id", "name", "phone", "community", "grid", "consent"),
        {
            **_COMMON,
            "TelegramID": "tg_user_id",
            "姓名": "name",
            "人群类别": "work_group",
            "党员": "party_member",
            "技能": "skills",
            "空闲时间": "availability",
            "同意": "consent",
            "状态": "status",
            "突击队": "shock_team",
            "单位": "unit",
            "工作单位": "unit",
            "所属单位": "unit",
            "Work unit": "unit",  # the volunteers export's header, as it reads in English
        },
        VolunteerRows,
    ),
}
