"""Indicator vocabulary: one id per concept on the shared truth, stable new ids, thresholds, review."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from jixiao.dictionaries import DictionaryError
from jixiao.analysis.review import review_rows, suggest_vocabulary, unit_family
from jixiao.normalizers.vocabulary import Indicator, IndicatorVocabulary, new_indicator_id, normalize_name


@pytest.fixture(scope="module")
def vocabulary() -> IndicatorVocabulary:
    return IndicatorVocabulary.load()


@pytest.fixture(scope="module")
def truth_table_rows(shared: Path) -> list[dict]:
    rows: list[dict] = []
    for path in sorted((shared / "samples" / "truth").glob("*/*.json")):
        rows += [r for r in json.loads(path.read_text(encoding="utf-8")).get("indicators") or []
                 if r["source"] == "table"]
    assert rows, "the shared truth has no table indicators"
    return rows


def _match_rows(vocabulary: IndicatorVocabulary, rows: list[dict]):
    return vocabulary.match_indicators([r["name_raw"] for r in rows], [r["description"] for r in rows],
                                       [r["level2"] for r in rows])


def test_every_truth_concept_gets_exactly_one_id_and_ids_are_not_shared(vocabulary, truth_table_rows):
    ids_of_concept: dict[str, set[str]] = defaultdict(set)
    concepts_of_id: dict[str, set[str]] = defaultdict(set)
    for row, match in zip(truth_table_rows, _match_rows(vocabulary, truth_table_rows)):
        assert match.indicator_id, row["name_raw"]
        ids_of_concept[row["concept"]].add(match.indicator_id)
        concepts_of_id[match.indicator_id].add(row["concept"])
    assert {c: ids for c, ids in ids_of_concept.items() if len(ids) > 1} == {}
    assert {i: cs for i, cs in concepts_of_id.items() if len(cs) > 1} == {}


def test_truth_spellings_still_match_when_removed_from_the_vocabulary(vocabulary, truth_table_rows):
    """The fuzzy stage on its own: each truth spelling, deleted from the synonyms, must still land
    on its concept's entry (this is what happens with an unseen document's new spelling)."""
    matches = _match_rows(vocabulary, truth_table_rows)
    concept_id = {r["concept"]: m.indicator_id for r, m in zip(truth_table_rows, matches)}
    checked = 0
    for row in {normalize_name(r["name_raw"]): r for r in truth_table_rows}.values():
        key = normalize_name(row["name_raw"])
        if any(normalize_name(ind.name) == key for ind in vocabulary.indicators):
            continue
        held_out = [dataclasses.replace(ind, synonyms=tuple(s for s in ind.synonyms if normalize_name(s) != key))
                    for ind in vocabulary.indicators]
        match = _match_rows(IndicatorVocabulary(held_out, vocabulary.settings), [row])[0]
        assert (match.method, match.indicator_id) == ("fuzzy", concept_id[row["concept"]]), row["name_raw"]
        checked += 1
    assert checked >= 10


def test_seed_table_names_match_an_entry_expecting_their_level2(vocabulary, seed_path):
    """The seed's project tables (one tab-indented cell per line, blank line between rows)."""
    rows, cells = [], []
    for line in seed_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("\t"):
            cells.append(line.strip())
        elif cells:
            rows.append(cells)
            cells = []
    level2, names, level2s = None, [], []
    for cells in rows:
        if len(cells) == 6 and cells[2] != "三级指标":
            level2 = cells[1] or level2
            names.append(cells[2])
            level2s.append(level2)
    assert len(names) > 40
    for name, l2, match in zip(names, level2s, vocabulary.match_indicators(names, None, level2s)):
        assert match.method in ("exact", "synonym", "fuzzy"), name
        assert l2 in vocabulary.by_id(match.indicator_id).level2, (name, l2, match.indicator)


def test_normalization_folds_width_spacing_punctuation_and_trailing_zhibiao(vocabulary):
    spellings = ["工作完成质量", "工作完成质量指标", " 工作完成 质量 ", "（1）工作完成质量", "工作完成质量。"]
    matches = vocabulary.match_indicators(spellings)
    assert {m.indicator_id for m in matches} == {matches[0].indicator_id}
    assert {m.method for m in matches} == {"exact"}
    assert normalize_name("购买物品、服务数量") == "购买物品服务数量"


def test_unknown_names_get_the_same_new_id_in_every_run_and_spelling_form(vocabulary):
    names = ["桥梁检测数量", "桥梁 检测数量", "桥梁检测数量指标", "疫苗接种率"]
    first = vocabulary.match_indicators(names)
    again = IndicatorVocabulary.load().match_indicators(list(reversed(names)))[::-1]
    assert [m.indicator_id for m in first] == [m.indicator_id for m in again]
    assert {m.method for m in first} == {"new"}
    assert first[0].indicator_id == first[1].indicator_id == first[2].indicator_id == new_indicator_id("桥梁检测数量")
    assert first[3].indicator_id != first[0].indicator_id
    assert all(m.indicator_id.startswith("NEW-") for m in first)


def test_threshold_decides_between_fuzzy_and_new(vocabulary):
    name = "开展巡查工作次数"
    match = vocabulary.match_indicators([name])[0]
    assert match.method == "fuzzy" and 0 < match.score < 100
    scores = [c[2] for c in match.candidates]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True) and scores[0] == match.score
    for threshold, method in [(match.score, "fuzzy"), (match.score + 0.5, "new")]:
        settings = dataclasses.replace(vocabulary.settings, threshold=threshold)
        strict = IndicatorVocabulary(vocabulary.indicators, settings)
        assert strict.match_indicators([name])[0].method == method


def test_level2_context_moves_a_name_between_entries(vocabulary):
    name = "村级组织正常运转情况"
    by_level2 = {l2: vocabulary.match_indicators([name], None, [l2])[0] for l2 in ("数量指标", "社会效益指标")}
    for l2, match in by_level2.items():
        assert l2 in vocabulary.by_id(match.indicator_id).level2
    assert by_level2["数量指标"].indicator_id != by_level2["社会效益指标"].indicator_id
    unknown_level2 = vocabulary.match_indicators([name], None, ["某某指标"])[0]
    assert unknown_level2.score == vocabulary.match_indicators([name])[0].score


def test_description_containing_an_entry_spelling_raises_its_score(vocabulary):
    bare, described = vocabulary.match_indicators(["开展巡查工作次数"] * 2, [None, "全年开展巡查次数"])
    assert bare.indicator_id == described.indicator_id
    assert described.score > bare.score


def test_empty_names_match_nothing(vocabulary):
    match = vocabulary.match_indicators([""], [None], [None])[0]
    assert (match.indicator_id, match.method, match.score) == (None, "new", 0.0)


def test_a_spelling_listed_under_two_entries_is_refused(vocabulary):
    first, second = vocabulary.indicators[:2]
    clash = dataclasses.replace(second, synonyms=(*second.synonyms, first.name))
    with pytest.raises(DictionaryError, match=first.id):
        IndicatorVocabulary([first, clash], vocabulary.settings)


def test_review_rows_keep_new_and_weak_matches_with_candidates(vocabulary):
    names = ["采购次数", "桥梁检测数量", "开展巡查工作次数"]
    rows = [{"doc_id": "d", "name_raw": n} for n in names]
    weak = IndicatorVocabulary(vocabulary.indicators, dataclasses.replace(vocabulary.settings, review_below=100))
    queue = review_rows(rows, weak.match_indicators(names), weak)
    assert [r["name_raw"] for r in queue] == ["桥梁检测数量", "开展巡查工作次数"]
    assert [r["match_method"] for r in queue] == ["new", "fuzzy"]
    assert all(r["doc_id"] == "d" and r["candidates"].count("IND-") == 3 for r in queue)


def test_suggested_vocabulary_groups_spellings_and_loads_as_entries(vocabulary):
    names = ["桥梁检测数量", "检测桥梁数量", "桥梁检测数量", "疫苗接种率", "新冠疫苗接种率"]
    text = suggest_vocabulary(names, ["数量指标"] * 3 + ["质量指标"] * 2, vocabulary)
    entries = yaml.safe_load(text)
    assert [e["name"] for e in entries] == ["桥梁检测数量", "疫苗接种率"]
    assert entries[0]["synonyms"] == ["检测桥梁数量"] and entries[0]["level2"] == ["数量指标"]
    known_ids = {ind.id for ind in vocabulary.indicators}
    assert not known_ids & {e["id"] for e in entries}
    grown = IndicatorVocabulary([*vocabulary.indicators, *(Indicator(e["id"], e["name"], tuple(e["synonyms"]),
                                 e["level1"], tuple(e["level2"]), e["unit"]) for e in entries)], vocabulary.settings)
    assert grown.match_indicators(["检测桥梁数量"])[0].indicator_id == entries[0]["id"]


def test_suggested_unit_is_what_the_values_were_read_as_not_the_level2s_habit(vocabulary):
    from collections import Counter

    from jixiao.normalizers.values import parse_indicator_value

    units: dict[str, Counter] = {}
    for ind in vocabulary.indicators:
        for level2 in ind.level2:
            units.setdefault(level2, Counter())[ind.unit] += 1
    wordy = next(l2 for l2, c in units.items() if c.most_common(1)[0][0] == "text")  # e.g. 社会效益指标
    values = [parse_indicator_value(v) for v in ("≥95%", "≥98%", "100%")]
    families = [unit_family(v.value_kind, v.base_unit) for v in values]
    assert families == ["percent"] * 3
    entries = yaml.safe_load(suggest_vocabulary(["群众政策知晓度"] * 3, [wordy] * 3, vocabulary, families))
    assert entries[0]["unit"] == "percent", "values written ≥95% are a percent, whatever the 二级 mostly holds"
    money = parse_indicator_value("50万元")
    assert unit_family(money.value_kind, money.base_unit) == "money"
    assert unit_family(parse_indicator_value("3个").value_kind, parse_indicator_value("3个").base_unit) == "count"
    words = parse_indicator_value("明显改善")
    assert unit_family(words.value_kind, words.base_unit) == "text"
    assert yaml.safe_load(suggest_vocabulary(["群众政策知晓度"], [wordy], vocabulary))[0]["unit"] == "text"


def test_category_spellings_match_exactly_but_never_fuzzily(vocabulary):
    category = Indicator("IND-T1", "经济效益", ("经济效益指标",), "效益指标", ("经济效益指标",), "text")
    other = Indicator("IND-T2", "采购次数", (), "产出指标", ("数量指标",), "count")
    strict = IndicatorVocabulary([category, other], vocabulary.settings)
    exact, resembling = strict.match_indicators(["经济效益", "促进经济效益"], None, ["经济效益指标"] * 2)
    assert (exact.indicator_id, exact.method) == ("IND-T1", "exact")
    assert resembling.method == "new" and resembling.indicator_id != "IND-T1"
    allowed = dataclasses.replace(vocabulary.settings, category_exceptions=frozenset({"经济效益"}))
    loose = IndicatorVocabulary([category, other], allowed).match_indicators(["促进经济效益"], None, ["经济效益指标"])
    assert loose[0].indicator_id == "IND-T1" and loose[0].method == "fuzzy"


def test_real_names_keep_their_meaning_without_template_hints(vocabulary):
    names = ["游客满意度(≥**%)", "指标1:小区居民满意度(≥**%)", "促进村集体经济发展", "推动村级集体经济发展",
             "人民群众满意度", "行政村数量"]
    by_name = dict(zip(names, vocabulary.match_indicators(names)))
    assert by_name["游客满意度(≥**%)"].indicator == "游客满意度"
    assert by_name["指标1:小区居民满意度(≥**%)"].indicator == "居民满意度"
    assert by_name["促进村集体经济发展"].indicator == by_name["推动村级集体经济发展"].indicator == "村集体经济发展"
    assert by_name["人民群众满意度"].indicator == "服务对象满意度"
    assert by_name["行政村数量"].method == "exact"
    assert normalize_name("游客满意度(≥**%)") == normalize_name("游客满意度")


def test_variant_characters_are_the_usual_ones(vocabulary):
    assert normalize_name("巡査次数") == normalize_name("巡查次数")
    typed, usual = vocabulary.match_indicators(["巡査次数", "巡查次数"])
    assert typed.indicator_id == usual.indicator_id and typed.method == "exact"


def test_review_rows_keep_rows_whose_columns_were_inferred(vocabulary):
    """A row under a header the vocabulary did not fully name goes to review, even with an exact match."""
    rows = [{"doc_id": "d", "name_raw": "采购次数", "columns_inferred": "绩效指标内容 → level3 (header-words)"},
            {"doc_id": "d", "name_raw": "采购次数"}]
    queue = review_rows(rows, vocabulary.match_indicators(["采购次数", "采购次数"]), vocabulary)
    assert len(queue) == 1 and "绩效指标内容 → level3" in queue[0]["reason"]
