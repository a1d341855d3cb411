"""The peer group a briefing is about: the filters, checked, and the names they give the document.

A group is one year and one level, narrowed by province, city, department or an explicit list of
places (对比's hand-picked selection); the title is built from it, never typed."""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("province", "prefecture", "county", "township", "department")
# How a title names the members of a group at each level (the 各… of 某市各县（市、区）).
MEMBERS = {
    "province": "各省（自治区、直辖市）",
    "prefecture": "各市（州、盟）",
    "county": "各县（市、区）",
    "township": "各乡镇（街道）",
    "department": "各部门",
}


class BriefingError(ValueError):
    """The briefing cannot be made (bad filters, an empty group, no database); the message is Chinese."""


@dataclass(frozen=True)
class GroupSpec:
    """What the briefing covers. None leaves a filter open; `keys` None means every indicator that the
    group reports; `places` narrows the group to those display names (对比's selection)."""

    year: int
    level: str
    province: str | None = None
    city: str | None = None
    department: str | None = None
    keys: tuple[str, ...] | None = None
    places: tuple[str, ...] | None = None

    def check(self) -> None:
        """Raise BriefingError for filters that cannot name a group."""
        if self.level not in LEVELS:
            raise BriefingError(f"层级须为 {'、'.join(LEVELS)} 之一，而不是 {self.level!r}")
        if not 1978 <= int(self.year) <= 2100:
            raise BriefingError(f"年度须为四位数年份，而不是 {self.year!r}")
        if self.department and self.level != "department":
            raise BriefingError("指定部门（--department）时，层级须为 department")
        if self.keys is not None and not self.keys:
            raise BriefingError(
                "指标列表为空：请用逗号分隔指标键，如 reconsideration_received,litigation_cases"
            )

    def where(self) -> str:
        """The place part of the title: 南阳市, 河南省, or 全国 when nothing narrows it."""
        return "".join(x for x in (self.province if not self.city else None, self.city) if x) or "全国"

    def members(self) -> str:
        """各县（市、区）, or 各司法局 for a department group."""
        if self.level == "department" and self.department:
            return f"各{self.department}"
        return MEMBERS[self.level]

    def name(self) -> str:
        """The group as a reader names it: 南阳市各县（市、区）, or 所选12个地区 for a hand-picked set."""
        if self.places is not None:
            return f"所选{len(self.places)}个地区"
        return self.where() + self.members()

    def title(self) -> str:
        """2024年度南阳市各县（市、区）法治政府建设主要指标对比."""
        return f"{self.year}年度{self.name()}法治政府建设主要指标对比"

    def file_name(self) -> str:
        """The download's file name: 简报_2024年度南阳市各县（市、区）….docx."""
        return f"简报_{self.title()}.docx"
