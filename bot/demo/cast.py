"""Who lives in the demo community 滨江社区: its grids, people, households and group chats."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.people import Actor

COMMUNITY = "滨江社区"
TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class DemoPerson:
    tg_user_id: int
    name: str
    language: str  # Telegram language code
    role: str  # admin | leader | volunteer | applicant | resident | contact (a paired unit's, of no grid)
    grid: int | None  # index into GRIDS; None: lives in none of them

    @property
    def actor(self) -> Actor:
        return Actor(tg_user_id=self.tg_user_id, name=self.name, language=self.language)


GRIDS = ["滨江第一网格", "滨江第二网格", "滨江第三网格"]
ADMIN = DemoPerson(900001, "周书记 (admin)", "zh-hans", "admin", 0)
LEADER = DemoPerson(900101, "李网格长 (leader 1)", "zh-hans", "leader", 0)
GRACE = DemoPerson(900102, "Grace (leader 2)", "en", "leader", 1)
ZHANG = DemoPerson(900201, "张志愿 (volunteer)", "zh-hans", "volunteer", 0)
WANG = DemoPerson(900202, "王志愿 (volunteer)", "zh-hans", "volunteer", 0)
TOM = DemoPerson(900203, "Tom (volunteer)", "en", "volunteer", 0)
CHEN = DemoPerson(900204, "陈骑手 (courier volunteer)", "zh-hans", "volunteer", 1)
APPLICANT = DemoPerson(900205, "赵小新 (applicant)", "zh-hans", "applicant", 0)
GRANNY = DemoPerson(900301, "王奶奶 (resident)", "zh-hans", "resident", 0)
ALICE = DemoPerson(900302, "Alice (resident)", "en", "resident", 0)
LIU = DemoPerson(900303, "刘大爷 (resident)", "zh-hans", "resident", 1)
SUN = DemoPerson(900401, "孙科长 (unit contact)", "zh-hans", "contact", None)
PEOPLE = [ADMIN, LEADER, GRACE, ZHANG, WANG, TOM, CHEN, APPLICANT, GRANNY, ALICE, LIU, SUN]
UNIT = "区税务局"  # the paired unit (包联单位): SUN its contact, ZHANG and TOM its members

# (grid index, address, members, care flags, the volunteer paired with it)
HOUSEHOLDS = [
    (0, "滨江路 12 号 3 栋 401", "王奶奶（82 岁）", "elderly_alone", ZHANG),
    (0, "滨江路 12 号 5 栋 102", "刘爷爷、刘奶奶", "elderly_alone", WANG),
    (0, "滨江路 14 号 1 栋 603", "小明（9 岁）与奶奶", "left_behind_children", TOM),
    (1, "江畔小区 2 栋 201", "赵叔叔（轮椅）", "disability", CHEN),
]
# grid 1's buildings (楼栋) and the households in them; WANG heads the first (楼栋长)
BUILDINGS = {"12号3栋": HOUSEHOLDS[0][1], "12号5栋": HOUSEHOLDS[1][1], "14号1栋": HOUSEHOLDS[2][1]}
ADDRESSES = {GRANNY: HOUSEHOLDS[0][1], ALICE: "滨江路 16 号 2 栋 1204", LIU: "江畔小区 4 栋 502"}
VOLUNTEER_GROUP_IDS = [-100001, -100002, -100003]
RESIDENT_GROUP_IDS = [-200001, -200002, -200003]


def sandbox_groups() -> list[tuple[int, str, list[int]]]:
    """(chat id, title, member ids) of the demo's groups, for the sandbox."""
    out = []
    for i, name in enumerate(GRIDS):
        vols = [d.tg_user_id for d in PEOPLE if d.grid == i and d.role in ("volunteer", "leader", "admin")]
        res = [d.tg_user_id for d in PEOPLE if d.grid == i and d.role in ("resident", "leader", "applicant")]
        out.append((VOLUNTEER_GROUP_IDS[i], f"{name} 志愿者群", vols + [ADMIN.tg_user_id]))
        out.append((RESIDENT_GROUP_IDS[i], f"{name} 居民群", res))
    return out
