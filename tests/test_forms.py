"""Real-form layouts (fixtures/forms.py) parsed from docx with real merges and from PDF: every
project with its name and budget, every indicator row with its composed value, the extra
columns (权重, 方向, 实际完成值, 得分), the form kind, and an honest `ok`."""

from __future__ import annotations

import pytest

from fixtures.forms import FORM_LAYOUTS, FormDocument, make_form_document, write_form_docx, write_form_pdf
from jixiao.extractors import read_document
from jixiao.normalizers.text import compact
from jixiao.parsing.structure import ParsedDocument, parse_document

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int, str], tuple[FormDocument, ParsedDocument]]:
    out = tmp_path_factory.mktemp("forms")
    parsed = {}
    for layout in FORM_LAYOUTS:
        for seed in SEEDS:
            form = make_form_document(seed, layout)
            for fmt, write in (("docx", write_form_docx), ("pdf", write_form_pdf)):
                path = out / f"{layout}_{seed}.{fmt}"
                write(form, path)
                parsed[(layout, seed, fmt)] = (form, parse_document(read_document(path)))
    return parsed


CASES = [(layout, seed, fmt) for layout in FORM_LAYOUTS for seed in SEEDS for fmt in ("docx", "pdf")]


@pytest.mark.parametrize("case", CASES, ids=["-".join(map(str, c)) for c in CASES])
def test_projects_names_and_budgets(forms, case):
    form, parsed = forms[case]
    assert len(parsed.projects) == len(form.projects)
    for want, got in zip(form.projects, parsed.projects):
        assert compact(want["name"]) in compact(got.project_name), (want, got)
        assert got.budget_wan == pytest.approx(want["budget_wan"]), (want, got)


@pytest.mark.parametrize("case", CASES, ids=["-".join(map(str, c)) for c in CASES])
def test_indicator_rows_with_composed_values(forms, case):
    form, parsed = forms[case]
    got = [(compact(i.project_name), compact(i.level1_raw), compact(i.level2_raw), compact(i.name_raw),
            compact(i.value_raw)) for i in parsed.indicators]
    want = [(compact(w["project"]), compact(w["level1_raw"]), compact(w["level2_raw"]), compact(w["name_raw"]),
             compact(w["value_raw"])) for w in form.indicators]
    if form.layout == "name_in_title":  # the name comes from the title: what it says around the name may stay
        got = [(w[0], *g[1:]) if w[0] in g[0] else g for g, w in zip(got, want)]
    assert got == want


@pytest.mark.parametrize("case", CASES, ids=["-".join(map(str, c)) for c in CASES])
def test_extra_columns_kind_and_status(forms, case):
    form, parsed = forms[case]
    assert parsed.form_kind == form.form_kind
    assert parsed.problems == []  # a project form needs no 项目编码 and no 部门整体 part to be complete
    for want, got in zip(form.indicators, parsed.indicators):
        for key in ("weight", "score", "direction"):
            assert getattr(got, key) == want.get(key), (key, want, got)
        assert compact(got.actual) == compact(want.get("actual")), (want, got)


def test_budget_export_keeps_the_department_total_out_and_reads_yuan(forms):
    form, parsed = forms[("budget_export", 0, "docx")]
    assert [p.project_name for p in parsed.projects] == [p["name"] for p in form.projects]
    assert all(p.budget_wan < 1000 for p in parsed.projects)  # 元 in the table, 万元 in the record
    # each project's rows are numbered from 1
    for project in parsed.projects:
        rows = [i.row_no for i in parsed.indicators if i.table_no == project.table_no]
        assert rows == list(range(1, len(rows) + 1))


@pytest.mark.parametrize(("value", "operator", "unit", "expected"), [
    ("95", "≥", "%", "≥95%"),
    ("≥95%", None, "%", "≥95%"),  # a 单位 column beside a value that already carries it
    ("90%", "=", "%", "=90%"),
    ("≥95%", "≥", "%", "≥95%"),
    ("11", "=", "个", "=11个"),
    ("优良", "定性", "—", "优良"),
    ("2024年12月31日前完成", "定性", "", "2024年12月31日前完成"),
    ("1.5", "大于等于", "亩", "大于等于1.5亩"),
    ("5", "正向", "次", "5次"),  # 正向/反向 is a direction, not a comparator
])
def test_split_value_columns_compose_without_doubling(value, operator, unit, expected):
    from jixiao.parsing.indicators import compose_value
    assert compose_value(value, operator, unit) == expected


@pytest.mark.parametrize(("text", "key", "unit"), [
    ("项目名称", "project_name", None), ("项目支出名称", "project_name", None),
    ("专项（项目）名称", "project_name", None), ("资金名称", "project_name", None),
    ("年度本级 预算金额", "budget", None), ("年度金额（万元）：", "budget", "万元"), ("项目资金 (万元)", "budget", "万元"),
    ("年度资金总额:", "budget", None), ("其中：中央补助（万元）", "fiscal", "万元"), ("其中:本年财政拨款", "fiscal", None),
    ("地方资金(万元)", "other", "万元"), ("计划投资额(万元)", "budget", "万元"), ("区县主管部门", "department", None), ("实施单位", "implementing_unit", None),
    ("项目负责人及电话", None, None), ("全年预算数(A)", None, None), ("该项目支出上级资金", None, None),
])
def test_field_labels_by_meaning(text, key, unit):
    from jixiao.parsing.vocabulary import field_label
    label = field_label(text)
    assert (label.key, label.unit) == (key, unit) if key else label is None


@pytest.mark.parametrize(("text", "wan"), [
    ("50万元", 50.0), ("预算资金：50", 50.0), ("1,200.5", 1200.5), ("500000", 50.0), ("10000元", 1.0),
    ("年度财政资金总额1.561.56120", None),  # 1.56 | 1.56 | 1 | 20 glued: no amount, not ".56120" as 56120万元
    ("参见附件1具体金额", None), ("2020年-2022年", None), ("1、", None), ("总额度效标O0B年", None),
])
def test_an_amount_is_a_whole_number_with_its_money_unit(text, wan):
    from jixiao.parsing.fields import amount_wan
    assert amount_wan(text, None) == wan


@pytest.mark.parametrize(("title", "kind"), [
    ("2018年市级专项扶贫资金基础设施绩效目标申报表(基础设施建设类)", "project"), ("绩效目标自评表", "self_evaluation"),
    ("生猪(牛羊)调出大县奖励资金区域绩效目标表", "region"), ("项目支出绩效目标审批表", "project"),
    ("部门预算项目绩效目标申报表(2023年度)", "project"),
])
def test_titles_recognised_by_meaning(title, kind):
    from jixiao.parsing.vocabulary import is_form_title, title_kind
    assert is_form_title(title) and title_kind(title) == kind


def _form_with(rows: list[list[str]], title: str = "项目支出绩效目标申报表") -> ParsedDocument:
    from jixiao.model.document import Document, Paragraph, Table
    return parse_document(Document(format="docx", blocks=[Paragraph(text=title), Table.from_rows(rows)]))


HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def test_partial_names_what_is_missing():
    cut = _form_with([["项目名称", "道路维修"], ["预算数", "12"], HEADER, ["产出指标", "数量指标", "维修道路", "≥3公里"],
                      ["", "时", "", ""]])
    assert cut.problems and "cut off" in cut.problems[0] and "'时'" in cut.problems[0]
    nameless = _form_with([["预算数", "12"], HEADER, ["产出指标", "数量指标", "维修道路", "≥3公里"]], title="申报表")
    assert any("项目名称" in p for p in nameless.problems)
    unbudgeted = _form_with([["项目名称", "道路维修"], HEADER, ["产出指标", "数量指标", "维修道路", "≥3公里"]])
    assert unbudgeted.problems == ["道路维修: no 预算数/资金总额 (budget) found"]


def test_nothing_recognisable_is_failed_no_structure():
    from jixiao.flows.extract import judge
    from jixiao.model.document import Document, Paragraph
    overall_only = parse_document(Document(format="txt", blocks=[Paragraph(text="一、总体绩效目标"),
                                                                   Paragraph(text="| a | b | c |" * 30)]))
    assert judge(overall_only)[:2] == ("failed", "no_structure")
    found = _form_with([["项目名称", "道路维修"], ["预算数", "12"], HEADER, ["产出指标", "数量指标", "维修道路", "≥3公里"]])
    assert judge(found) == ("ok", None, None) and found.form_kind == "project"


def test_flow_rows_carry_form_kind_and_self_evaluation_columns(tmp_path):
    """extract → rows: documents.form_kind and the indicator columns weight/actual/score/direction."""
    import hashlib

    from jixiao.flows.extract import extract_file
    from jixiao.flows.inbox import InboxFile
    from jixiao.flows.rows import batch_rows
    from jixiao.normalizers.vocabulary import IndicatorVocabulary

    batch = []
    for layout in ("self_evaluation", "budget_export"):
        path = tmp_path / f"{layout}.docx"
        write_form_docx(make_form_document(0, layout), path)
        doc_id = hashlib.sha256(path.read_bytes()).hexdigest()
        file = InboxFile(path=path, source_path=path.name, township="测试镇", doc_id=doc_id,
                         size_bytes=path.stat().st_size)
        batch.append((file, extract_file(path, doc_id)))
    tables = batch_rows(batch, IndicatorVocabulary.load()).tables
    assert [(d["status"], d["form_kind"]) for d in tables["documents"]] == [("ok", "self_evaluation"),
                                                                           ("ok", "project")]
    evaluation = [r for r in tables["indicators"] if r["doc_id"] == batch[0][0].doc_id]
    assert evaluation[0]["weight"] == 10.0 and evaluation[0]["score"] == 10.0 and evaluation[0]["actual"]
    export = [r for r in tables["indicators"] if r["doc_id"] == batch[1][0].doc_id]
    assert all(r["direction"] == "正向" and r["weight"] in (10.0, 20.0) for r in export)
    assert len({r["project_name"] for r in export}) == 2


def test_parties_alone_start_no_project_and_labels_in_lines_count():
    from jixiao.model.document import Document, Paragraph, Table
    cover = Table.from_rows([["填报单位", "丰登坞镇人民政府", "联系电话", "123"]])
    assert parse_document(Document(format="docx", blocks=[cover])).projects == []
    lines = [Paragraph(text=t) for t in ("项目支出绩效目标表", "主管部门：县财政局", "项目名称：道路维修", "预算数：12万元")]
    parsed = parse_document(Document(format="txt", blocks=[*lines, Table.from_rows(
        [HEADER, ["产出指标", "数量指标", "维修道路", "≥3公里"]])]))
    [project] = parsed.projects
    assert (project.project_name, project.budget_wan, project.department) == ("道路维修", 12.0, "县财政局")
    assert parsed.problems == [] and len(parsed.indicators) == 1


def test_template_rows_left_blank_are_no_indicators():
    parsed = _form_with([["项目名称", "道路维修"], ["预算数", "12"], HEADER,
                         ["产出指标", "数量指标", "维修道路", "≥3公里"], ["", "质量指标", "指标1：", ""],
                         ["", "", "……", "≥**%"], ["效益指标", "社会效益指标", "群众出行改善", "≥**%"]])
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [("维修道路", "≥3公里"), ("群众出行改善", "≥**%")]
