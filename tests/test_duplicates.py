"""Duplicate and boilerplate detection on texts as township clerks write them, and on the shared truth."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pyarrow as pa
import pytest
from rapidfuzz import fuzz

from jixiao.model.schema import to_arrow
from jixiao.analysis.duplicates import MEASURES, MIN_KEY_CHARS, NEAR_RATIO, cluster_keys, find_duplicates
from jixiao.normalizers.text import match_key

SATISFACTION = "该项工作产生的一定影响，基层群众对工作的满意度。"
ON_TIME = "根据年初预算安排，确保资金科学有效使用，按时完成。"
MEASURE = "按要求开展绩效运行监控，发现问题及时采取措施，确保绩效目标如期保质实现。"


def indicator(township: str, description: str | None, *, doc: str | None = None, code: str | None = "P1",
              name: str = "满意度", value: str = "≥95%") -> dict:
    return {"doc_id": doc or township, "township": township, "project_code": code, "source": "table",
            "name_raw": name, "description": description, "value_raw": value}


def goal(township: str, kind: str, text: str, *, seq: int = 1, code: str | None = None,
         indicator_text: str | None = None) -> dict:
    return {"doc_id": township, "township": township, "kind": kind, "seq": seq, "title": None,
            "goal_text": text, "indicator_text": indicator_text, "project_code": code}


def run(indicators: list[dict], goals: list[dict] = (), **options):
    return find_duplicates(to_arrow("indicators", indicators), to_arrow("goals", list(goals)), **options)


def groups(result, level: str, kind: str | None = None) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = defaultdict(list)
    for row in result.rows:
        if row["level"] == level and (kind is None or row["kind"] == kind):
            found[row["group_id"]].append(row)
    return dict(found)


def test_exact_copies_group_despite_spacing_width_and_punctuation():
    spellings = [ON_TIME, "根据年初预算安排, 确保资金科学有效使用, 按时完成", "根据年初预算安排，确保资金科学有效使用，按时完成．"]
    result = run([indicator(t, s) for t, s in zip(["丰登坞镇", "石各庄镇", "银城铺镇"], spellings)])
    (members,) = groups(result, "indicator", "description").values()
    assert sorted(m["text"] for m in members) == sorted(spellings)
    assert {m["similarity"] for m in members} == {1.0}
    assert {m["n_townships"] for m in members} == {3}
    assert {m["n_members"] for m in members} == {3}


def test_one_character_changed_is_a_near_copy_and_the_common_spelling_comes_first():
    variant = "该项工作产生一定影响，基层群众对工作的满意度。"
    result = run([indicator("丰登坞镇", SATISFACTION), indicator("石各庄镇", SATISFACTION),
                  indicator("黄各庄镇", variant)])
    (members,) = groups(result, "indicator", "description").values()
    assert members[0]["text"] == SATISFACTION
    by_town = {m["township"]: m["similarity"] for m in members}
    assert by_town["石各庄镇"] == 1.0
    assert NEAR_RATIO / 100 <= by_town["黄各庄镇"] < 1.0
    assert by_town["黄各庄镇"] == pytest.approx(fuzz.ratio(match_key(variant), match_key(SATISFACTION)) / 100, abs=1e-4)


def test_texts_differing_in_meaning_stay_apart():
    result = run([indicator("丰登坞镇", "购买办公用品的合格率"), indicator("石各庄镇", "购买办公用品的及时率"),
                  indicator("银城铺镇", "每村平均发放转移支付资金金额"), indicator("黄各庄镇", "转移支付资金发放的准确率")])
    assert groups(result, "indicator", "description") == {}


def test_short_labels_are_not_copied_targets():
    result = run([indicator(t, "满意度", name="满意度", value="优") for t in ["丰登坞镇", "石各庄镇", "银城铺镇"]])
    assert len(match_key("满意度")) < MIN_KEY_CHARS
    assert groups(result, "indicator", "description") == {}


def test_copies_between_a_units_own_projects_count_but_repeats_inside_one_project_do_not():
    between_projects = run([indicator("丰登坞镇", ON_TIME, code="P1"), indicator("丰登坞镇", ON_TIME, code="P2")])
    (members,) = groups(between_projects, "indicator", "description").values()
    assert {m["n_townships"] for m in members} == {1}
    inside_one = run([indicator("丰登坞镇", ON_TIME, code="P1", name="完成时间"),
                      indicator("丰登坞镇", ON_TIME, code="P1", name="完成及时性")])
    assert groups(inside_one, "indicator", "description") == {}
    across_only = run([indicator("丰登坞镇", ON_TIME, code="P1"), indicator("丰登坞镇", ON_TIME, code="P2")],
                      min_townships=2)
    assert across_only.rows == []


def test_whole_row_copies_need_the_same_target():
    result = run([indicator("丰登坞镇", SATISFACTION, value="≥95%"), indicator("石各庄镇", SATISFACTION, value="≥95%"),
                  indicator("银城铺镇", SATISFACTION, value="≤60%")])
    (row_group,) = groups(result, "indicator", "row").values()
    assert {m["township"] for m in row_group} == {"丰登坞镇", "石各庄镇"}
    (description_group,) = groups(result, "indicator", "description").values()
    assert len(description_group) == 3


def test_boilerplate_share_counts_rows_shared_with_other_townships():
    own = ["全年开展巡查检查的次数不少于十二次", "村级组织活动场所改造完成数量"]
    rows = [indicator("丰登坞镇", t, name=f"指标{i}", value=f"{i}个") for i, t in enumerate([ON_TIME, SATISFACTION, *own])]
    rows += [indicator("石各庄镇", ON_TIME, name="完成时间"), indicator("石各庄镇", SATISFACTION, name="满意度")]
    result = run(rows)
    assert result.boilerplate_share["丰登坞镇"] == pytest.approx(2 / 4)
    assert result.boilerplate_share["石各庄镇"] == pytest.approx(1.0)
    stricter = run(rows, boilerplate_other_townships=2)
    assert stricter.boilerplate_share == {"丰登坞镇": 0.0, "石各庄镇": 0.0}


def test_goal_paragraphs_group_across_townships_and_kinds():
    content = "开展村庄清洁行动，及时清运生活垃圾。"
    result = run([], [goal("丰登坞镇", "measure", MEASURE, seq=4), goal("石各庄镇", "measure", MEASURE, seq=2),
                      goal("银城铺镇", "project", content, code="13020846P000012100648"),
                      goal("黄各庄镇", "item", content, seq=3, indicator_text="全年清运生活垃圾不少于12次。")])
    found = groups(result, "goal").values()
    assert {frozenset((m["township"], m["kind"]) for m in g) for g in found} == {
        frozenset({("丰登坞镇", "measure"), ("石各庄镇", "measure")}),
        frozenset({("银城铺镇", "project"), ("黄各庄镇", "item")}),
    }
    project_member = next(m for g in found for m in g if m["kind"] == "project")
    assert project_member["project_code"] == "13020846P000012100648"


def test_a_project_copied_under_another_name_is_a_project_level_duplicate():
    table = [("一事一议项目村数", "实施一事一议项目村级数量", "≤5个"), ("验收合格率", "项目竣工验收合格率", "≥100%"),
             ("完成工作时间", ON_TIME, "2024年10月底前完成"), ("社会影响", "保障村级工作顺利开展，改善民生，促进社会稳定。", "优"),
             ("满意度", SATISFACTION, "≥95%")]
    source = [indicator("银城铺镇", d, code="13020846P000012100648", name=n, value=v) for n, d, v in table]
    next_year = [indicator("银城铺镇", d, doc="银城铺镇2025", code="13020846P000012100733", name=n, value="≥90%")
                 for n, d, _ in table]
    other = [indicator("黄各庄镇", d, code="13020825P000003100839", name=n, value=v)
             for n, d, v in [table[0], table[1], ("每村补助", "每村平均发放转移支付资金金额", "≥4.85万元"),
                             ("资金发放准确率", "转移支付资金发放的准确率", "100%")]]
    purposes = pa.table({"doc_id": ["银城铺镇", "黄各庄镇"], "township": ["银城铺镇", "黄各庄镇"],
                         "project_code": ["13020846P000012100648", "13020825P000012100862"],
                         "table_no": [1, 2], "purpose": ["主要用于村内街道硬化及环卫设施建设", "主要用于村内街道硬化、环卫设施建设"]})
    result = find_duplicates(to_arrow("indicators", source + next_year + other), to_arrow("goals", []),
                             projects=purposes)
    (indicator_set,) = groups(result, "project", "indicator_set").values()
    assert {(m["doc_id"], m["project_code"]) for m in indicator_set} == {
        ("银城铺镇", "13020846P000012100648"), ("银城铺镇2025", "13020846P000012100733")}
    assert {m["similarity"] for m in indicator_set} == {1.0}
    (purpose,) = groups(result, "project", "purpose").values()
    assert {m["township"] for m in purpose} == {"银城铺镇", "黄各庄镇"}


def test_results_do_not_depend_on_row_order():
    rows = [indicator(t, d, code=c) for t in ["丰登坞镇", "石各庄镇", "银城铺镇"] for c in ["P1", "P2"]
            for d in [ON_TIME, SATISFACTION, "该项工作产生一定影响，基层群众对工作的满意度比率"]]
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert run(rows).rows == run(shuffled).rows


# ----------------------------------------------------------------------------- on the shared truth


def truth_tables(shared: Path) -> tuple[list[dict], list[dict]]:
    """Indicator and goal rows as the pipeline would write them, built from the truth files."""
    indicators, goals = [], []
    for path in sorted((shared / "samples" / "truth").glob("*/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for row in doc["indicators"]:
            indicators.append({"doc_id": doc["path"], "township": doc["township"], "project_code": row["project_code"],
                               "source": row["source"], "name_raw": row["name_raw"],
                               "description": row["description"], "value_raw": row["value_raw"],
                               "item_seq": row.get("item_seq")})
        for g in doc["goals"]:
            goals.append({"doc_id": doc["path"], "township": doc["township"], "kind": g["kind"], "seq": g["seq"],
                          "title": g["title"], "goal_text": g["text"], "indicator_text": g.get("indicator_text"),
                          "project_code": g["project_code"]})
    return indicators, goals


def scorer_key(text: str | None) -> str:
    """score.py's N(): NFKC, no whitespace, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def matches_truth(predicted: str, truth: str) -> bool:
    """score.py's rule: equal, or one contains the other and they are of comparable length."""
    p, t = scorer_key(predicted), scorer_key(truth)
    comparable = len(p) >= 8 and len(t) >= 8 and min(len(p), len(t)) / max(len(p), len(t)) > 0.5
    return p == t or (comparable and (p in t or t in p))


def test_truth_duplicate_groups_are_recovered(shared: Path):
    indicators, goals = truth_tables(shared)
    result = run(indicators, goals)
    truth = json.loads((shared / "samples" / "truth" / "duplicates.json").read_text(encoding="utf-8"))
    recovered = 0
    for group in truth:
        towns_by_group: dict[str, set[str]] = defaultdict(set)
        for row in result.rows:
            if row["level"] == group["level"] and row["township"] in group["townships"] \
                    and matches_truth(row["text"], group["text"]):
                towns_by_group[row["group_id"]].add(row["township"])
        recovered += max(map(len, towns_by_group.values()), default=0) >= 2
    assert recovered / len(truth) >= 0.9, f"{recovered} of {len(truth)} truth groups recovered"


def test_lsh_finds_every_near_pair_an_all_pairs_search_finds(shared: Path):
    indicators, goals = truth_tables(shared)
    texts = {t for r in indicators for t in (r["description"], r["name_raw"]) if t}
    texts |= {t for g in goals for t in (g["goal_text"], g["indicator_text"]) if t}
    rng = random.Random(3)
    variants = set()
    for text in texts:  # each real text and a copy with one character dropped
        key = match_key(text)
        if len(key) >= MIN_KEY_CHARS:
            cut = rng.randrange(len(key))
            variants |= {key, key[:cut] + key[cut + 1:]}
    keys = sorted(variants)
    roots = cluster_keys(keys, MEASURES["text"])
    pairs = [(i, j) for i, j in combinations(range(len(keys)), 2) if fuzz.ratio(keys[i], keys[j]) >= NEAR_RATIO]
    assert len(pairs) >= len(texts) // 2
    assert all(roots[i] == roots[j] for i, j in pairs)


def test_many_edited_copies_cluster_like_an_all_pairs_search(shared: Path):
    """Leaders and followers: texts copied 15 times with 1–3 edits each, compared with brute force."""
    indicators, goals = truth_tables(shared)
    texts = sorted({match_key(g["goal_text"]) for g in goals if g["goal_text"]})[:40]
    rng = random.Random(11)
    variants = set()
    for key in texts:
        for _ in range(15):
            chars = list(key)
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(chars))
                edit = rng.choice(["drop", "insert", "replace"])
                if edit == "drop" and len(chars) > MIN_KEY_CHARS:
                    del chars[at]
                elif edit == "insert":
                    chars.insert(at, rng.choice(key))
                else:
                    chars[at] = rng.choice(key)
            variants.add("".join(chars))
    keys = sorted(variants)
    roots = cluster_keys(keys, MEASURES["text"])
    pairs = [(i, j) for i, j in combinations(range(len(keys)), 2) if fuzz.ratio(keys[i], keys[j]) >= NEAR_RATIO]
    missed = [(keys[i], keys[j]) for i, j in pairs if roots[i] != roots[j]]
    assert len(pairs) > len(keys) and not missed


def test_a_project_with_one_indicator_renamed_is_still_a_copy():
    names = ["一事一议项目村数", "验收合格率", "完成工作时间", "社会影响", "满意度", "资金发放准确率", "资金发放及时性",
             "运转村级数量", "每村补助标准", "长效机制建立健全"]
    renamed = names[:-1] + ["长效管理机制"]
    rows = [indicator(t, None, code=code, name=n) for t, code, ns in [("丰登坞镇", "P7", names), ("黄各庄镇", "P9", renamed)]
            for n in ns]
    (members,) = groups(run(rows), "project", "indicator_set").values()
    assert {m["township"] for m in members} == {"丰登坞镇", "黄各庄镇"}
    assert sorted(m["similarity"] for m in members) == [pytest.approx(9 / 11, abs=1e-4), 1.0]
    two_renamed = names[:-2] + ["村级组织运转数量", "长效管理机制"]
    rows = [indicator(t, None, code=code, name=n) for t, code, ns in [("丰登坞镇", "P7", names), ("黄各庄镇", "P9", two_renamed)]
            for n in ns]
    assert groups(run(rows), "project", "indicator_set") == {}


def test_group_ids_do_not_change_when_unrelated_documents_arrive():
    before = run([indicator("丰登坞镇", ON_TIME), indicator("石各庄镇", ON_TIME)])
    after = run([indicator("丰登坞镇", ON_TIME), indicator("石各庄镇", ON_TIME),
                 indicator("银城铺镇", "每村平均发放转移支付资金金额"), indicator("黄各庄镇", "转移支付资金发放的准确率")])
    assert set(groups(before, "indicator", "description")) == set(groups(after, "indicator", "description"))
