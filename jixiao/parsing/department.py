"""The 部门整体绩效目标 part, from paragraphs: 总体绩效目标, 分项绩效目标 items with their
绩效目标/绩效指标 sentences, and 工作保障措施 items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.normalizers.text import compact
from jixiao.parsing.records import Goal

_CN_NUM = "一二三四五六七八九十百零〇"
# "一、" "（一）" "(一)" "1、" "1." "（1）" "第一部分" at the start of a line
_NUMBERING = re.compile(
    rf"^\s*(?:第[{_CN_NUM}\d]+部分|[（(]\s*[{_CN_NUM}\d]+\s*[)）]|[{_CN_NUM}]+\s*[、.．]|\d+\s*[、.．](?!\d))\s*"
)
_ITEM_NUMBERING = re.compile(rf"^\s*(?:[（(]\s*[{_CN_NUM}\d]+\s*[)）]|\d+\s*[、.．](?!\d)|[{_CN_NUM}]+\s*[、.．])\s*")
_GOAL_LABEL = re.compile(r"^\s*(?:绩效|年度)?目标\s*[:：]\s*")
_INDICATOR_LABEL = re.compile(r"^\s*(?:绩效|年度)?指标\s*[:：]\s*")
_SENTENCE_END = "。；;"
# Headings of the department part; they describe the layout of the text, not a vocabulary.
_SECTION_HEADINGS = {
    "overall": ("总体绩效目标", "总体目标", "整体绩效目标"),
    "item": ("分项绩效目标", "分项目标", "具体绩效目标"),
    "measure": ("工作保障措施", "保障措施"),
}

# a heading that goes on to report (总体绩效目标完成情况分析) heads a self-evaluation's account, not the targets
_REPORTING = ("完成情况", "分析")


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1).strip()

@dataclass
class DepartmentState:
    section: str | None = None
    goals: list[Goal] = field(default_factory=list)
    overall: list[str] = field(default_factory=list)

    def heading(self, text: str) -> str | None:
        folded = compact(strip_numbering(text))
        if len(folded) > 16 or any(w in folded for w in _REPORTING):
            return None
        for section, spellings in _SECTION_HEADINGS.items():
            if any(folded == s or folded.startswith(s) for s in spellings):
                return section
        return None

    def paragraph(self, text: str, confidence: float | None = None) -> None:
        self._paragraph(text)
        if confidence is not None and self.goals:  # the goal this text went to is the last one
            last = self.goals[-1]
            last.confidence = confidence if last.confidence is None else min(last.confidence, confidence)

    def _paragraph(self, text: str) -> None:
        section = self.heading(text)
        if section:
            self.section = section
            return
        if self.section == "overall":
            self.overall.append(text.strip())
        elif self.section == "item":
            self._item_line(text)
        elif self.section == "measure":
            self._measure_line(text)

    def _items(self, kind: str) -> list[Goal]:
        return [g for g in self.goals if g.kind == kind]

    def _item_line(self, text: str) -> None:
        items = self._items("item")
        if _GOAL_LABEL.match(text) and items:
            items[-1].goal_text = _join(items[-1].goal_text, _GOAL_LABEL.sub("", text, count=1))
        elif _INDICATOR_LABEL.match(text) and items:
            items[-1].indicator_text = _join(items[-1].indicator_text, _INDICATOR_LABEL.sub("", text, count=1))
        elif _ITEM_NUMBERING.match(text):
            body = _ITEM_NUMBERING.sub("", text, count=1).strip()
            title, goal, indicator = _split_item(body)
            self.goals.append(Goal(kind="item", seq=len(items) + 1, title=title, goal_text=goal,
                                   indicator_text=indicator))
        elif items:  # a wrapped continuation of the last sentence
            last = items[-1]
            if last.indicator_text is not None:
                last.indicator_text = _join(last.indicator_text, text)
            else:
                last.goal_text = _join(last.goal_text, text)

    def _measure_line(self, text: str) -> None:
        measures = self._items("measure")
        if _ITEM_NUMBERING.match(text):
            body = _ITEM_NUMBERING.sub("", text, count=1).strip()
            title, rest = _split_title(body)
            self.goals.append(Goal(kind="measure", seq=len(measures) + 1, title=title, goal_text=rest))
        elif measures:
            measures[-1].goal_text = _join(measures[-1].goal_text, text)
        # text before the first numbered measure is the section's preamble, not a measure

    def finish(self) -> list[Goal]:
        goals = list(self.goals)
        if self.overall:
            goals.insert(0, Goal(kind="overall", seq=1, title="总体绩效目标", goal_text="\n".join(self.overall)))
        return goals


def _join(first: str | None, more: str) -> str:
    more = more.strip()
    return f"{first}{more}" if first else more


def _split_title(body: str) -> tuple[str, str]:
    """'完善制度建设。提高…' -> ('完善制度建设', '提高…'); a long first sentence is text, not a title."""
    match = re.search(rf"[{_SENTENCE_END}:：]", body)
    if match and 0 < match.start() <= 20:
        return body[: match.start()].strip(), body[match.end():].strip()
    return body[:20].strip(), body


def _split_item(body: str) -> tuple[str, str, str | None]:
    """An item heading may carry its 绩效目标/绩效指标 on the same line."""
    goal, indicator = "", None
    parts = re.split(r"(?=(?:绩效|年度)?(?:目标|指标)\s*[:：])", body, maxsplit=2)
    title = parts[0].strip().rstrip("。.;；:：")
    for part in parts[1:]:
        if _GOAL_LABEL.match(part):
            goal = _GOAL_LABEL.sub("", part, count=1).strip()
        elif _INDICATOR_LABEL.match(part):
            indicator = _INDICATOR_LABEL.sub("", part, count=1).strip()
    return title, goal, indicator


