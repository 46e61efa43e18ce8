"""Paragraph targets: the shared truth's paragraph rows and the seed's 分项 绩效指标 sentences."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jixiao.normalizers.sentences import extract_paragraph_targets, iter_paragraph_targets
from jixiao.normalizers.values import parse_indicator_value


def _truth_items(shared: Path) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(indicator_text of each 分项, its truth paragraph rows) over every truth file."""
    items = []
    for path in sorted((shared / "samples" / "truth").glob("*/*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        rows = [r for r in truth.get("indicators") or [] if r["source"] == "paragraph"]
        for goal in truth.get("goals") or []:
            text = goal.get("indicator_text")
            if goal["kind"] == "item" and text:
                expected = [(r["name_raw"], r["value_raw"], r["sentence"]) for r in rows if r["sentence"] == text]
                items.append((text, expected))
    return items


def test_truth_paragraph_rows_are_found_exactly(shared):
    items = _truth_items(shared)
    assert sum(len(expected) for _, expected in items) >= 30
    for (text, expected), found in zip(items, iter_paragraph_targets([t for t, _ in items])):
        assert [(t.name_raw, t.value_raw, t.sentence) for t in found] == expected


def test_seed_item_sentences_each_give_parseable_targets_named_by_the_text_before_them(seed_path):
    paragraphs = re.findall(r"^绩效指标：(.+)$", seed_path.read_text(encoding="utf-8"), flags=re.M)
    assert len(paragraphs) == 12
    results = list(iter_paragraph_targets(paragraphs))
    assert all(results), "every 分项 states at least one target"
    for paragraph, targets in zip(paragraphs, results):
        for target in targets:
            assert target.name_raw + target.value_raw in paragraph
            assert target.sentence in paragraph and target.name_raw in target.sentence
            assert not re.search(r"[，；。]", target.name_raw)
            value = parse_indicator_value(target.value_raw, 2024)
            assert value.operator is not None and value.value is not None, target.value_raw


def test_batch_and_single_calls_agree(seed_path):
    paragraphs = re.findall(r"^绩效指标：(.+)$", seed_path.read_text(encoding="utf-8"), flags=re.M)
    assert list(iter_paragraph_targets(paragraphs)) == [extract_paragraph_targets(p) for p in paragraphs]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("隐患整改率100%，群众满意度达到95%以上。", [("隐患整改率", "100%"), ("群众满意度", "达到95%以上")]),
        ("全年培训人次≥１２０人次；每村补贴不超过1.5万元／村", [("全年培训人次", "≥１２０人次"), ("每村补贴", "不超过1.5万元／村")]),
        ("开展集中宣传，不少于三次。", [("开展集中宣传", "不少于三次")]),
        ("人均成本≤150元/人·月", [("人均成本", "≤150元/人·月")]),
        ("巡查不少于12次隐患整改率大于等于98%", [("巡查", "不少于12次"), ("隐患整改率", "大于等于98%")]),
        ("整改率达到95，巡查不少于12,600次", [("整改率", "达到95"), ("巡查", "不少于12,600次")]),
        ("指导36个村开展民主管理工作。", []),
        ("2024年12月31日前完成。", []),
    ],
)
def test_value_forms(text, expected):
    assert [(t.name_raw, t.value_raw) for t in extract_paragraph_targets(text)] == expected
