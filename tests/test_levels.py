"""一级/二级指标 and 指标值确定依据: synonyms, forgiving forms, unknowns, and the shared truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import require_shared

from jixiao.dictionaries import load_dictionary
from jixiao.normalizers.levels import canonical_basis, canonical_level1, canonical_level2

SHARED = Path(__file__).resolve().parents[2] / "shared"

LEVEL1 = {
    "产出指标": "产出指标",
    "产出": "产出指标",
    "产出目标": "产出指标",
    "效益指标": "效益指标",
    "效益 指标": "效益指标",
    "效益\n指标": "效益指标",
    "满意度指标": "满意度指标",
    "服务对象满意度指标": "满意度指标",
    "社会公众或服务对象满意度指标": "满意度指标",
    "成本指标": "成本指标",
    "投入": "投入指标",
    "（一）产出指标": "产出指标",
    "1.产出指标": "产出指标",
    "产出指标：": "产出指标",
    "ＩＮ": None,
    "绩效指标": None,
    "": None,
    None: None,
}


@pytest.mark.parametrize("raw", list(LEVEL1))
def test_level1(raw: str | None) -> None:
    assert canonical_level1(raw) == LEVEL1[raw]


LEVEL2 = {
    "数量指标": "数量指标",
    "数量": "数量指标",
    "数量目标": "数量指标",
    "质量目标": "质量指标",
    "时效目标": "时效指标",
    "成本目标": "成本指标",
    "时效指标": "时效指标",
    "进度指标": "时效指标",
    "成本指标": "成本指标",
    "经济效益指标": "经济效益指标",
    "经济效益": "经济效益指标",
    "经济效益\n指标": "经济效益指标",
    "社会效益指标": "社会效益指标",
    "生态效益指标": "生态效益指标",
    "环境效益指标": "生态效益指标",
    "环境效益": "生态效益指标",
    "生态效益": "生态效益指标",
    "可持续影响指标": "可持续影响指标",
    "服务对象满意度指标": "服务对象满意度指标",
    "服务对象满意度": "服务对象满意度指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "满意度指标": "服务对象满意度指标",
    "服务对象满意度指标等": "服务对象满意度指标",  # 云南's 自评表 template: the list's "etc." is no part of the name
    "等": None,
    "经济成本指标": "经济成本指标",
    "生态环境成本指标": "生态环境成本指标",
    "效益指标": None,
    "数量质量": None,
    "": None,
    None: None,
}


@pytest.mark.parametrize("raw", list(LEVEL2))
def test_level2(raw: str | None) -> None:
    assert canonical_level2(raw) == LEVEL2[raw]


def test_level2_shared_spelling_is_settled_by_level1() -> None:
    assert canonical_level2("经济指标") is None
    assert canonical_level2("经济指标", "效益指标") == "经济效益指标"
    assert canonical_level2("经济指标", "成本") == "经济成本指标"
    assert canonical_level2("生态", "效益") == "生态效益指标"
    assert canonical_level2("生态", "产出指标") is None


def test_every_level2_parent_is_a_level1() -> None:
    for canonical, entry in load_dictionary("levels")["level2"].items():
        assert canonical_level2(canonical) == canonical
        for parent in entry["parents"]:
            assert canonical_level1(parent) == parent


BASIS = {
    "年初计划": "计划标准",
    "工作计划": "计划标准",
    "计划指标": "计划标准",
    "计划标准": "计划标准",
    "年初预算安排": "计划标准",
    "工作需要": "计划标准",
    "年度计划": "计划标准",
    "工作标准": "行业标准",
    "文件标准": "行业标准",
    "行业标准": "行业标准",
    "历史数据": "历史标准",
    "历史标准": "历史标准",
    "三年平均": "历史标准",
    "预算支出标准": "预算支出标准",
    "调查问卷": "其他",
    "问卷调查": "其他",
    "满意度调查": "其他",
    "其他": "其他",
    " 年初\n计划 ": "计划标准",
    "年初计划、工作计划": "计划标准",
    "年初计划、行业标准": None,
    "领导说了算": None,
    "": None,
    None: None,
}


@pytest.mark.parametrize("raw", list(BASIS))
def test_basis(raw: str | None) -> None:
    assert canonical_basis(raw) == BASIS[raw]


def truth_rows() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((SHARED / "samples" / "truth").rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict):
            out += [(f"{path.name}#{i}", ind) for i, ind in enumerate(doc.get("indicators") or [])]
    return [(where, ind) for where, ind in out if ind.get("source") == "table"]


TRUTH = truth_rows() if SHARED.is_dir() else [("shared truth missing", None)]


@pytest.mark.parametrize("where,indicator", TRUTH, ids=[t[0] for t in TRUTH])
def test_truth_levels_and_basis(where: str, indicator: dict | None) -> None:
    if indicator is None:
        require_shared("samples", "truth")
    alt = indicator.get("alt", {})
    assert canonical_level1(indicator["level1_raw"]) in [indicator["level1"], *alt.get("level1", [])]
    level2 = canonical_level2(indicator["level2_raw"], indicator["level1_raw"])
    assert level2 in [indicator["level2"], *alt.get("level2", [])]
    assert canonical_basis(indicator["basis_raw"]) in [indicator["basis"], *alt.get("basis", [])]


def test_parent_level1_only_when_unambiguous():
    from jixiao.normalizers.levels import parent_level1

    assert parent_level1("数量指标") == "产出指标"
    assert parent_level1("服务对象满意度指标") == "满意度指标"
    assert parent_level1("经济成本指标") == "成本指标"
    assert parent_level1("不存在的指标") is None
    assert parent_level1(None) is None
