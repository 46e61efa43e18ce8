"""fixtures.real_corpus: transcribed grids render to .docx and .pdf that jixiao's readers read back
with the same texts and merges (several tables per document), the bytes are the same every time,
and a malformed grid is refused with its file and row named. The grids here are invented test
grids, written to tmp_path — never into the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fixtures.real_corpus import GridError, load_grid_file, main, render_corpus
from jixiao.extractors import read_document
from jixiao.model.document import Table
from jixiao.normalizers.text import compact

FORM = {
    "doc": "test_01", "unit": "测试镇",
    "lines": ["2024年项目支出绩效目标表"],
    "tables": [
        {"widths": [2, 3, 3, 4, 2], "rows": [
            ["项目名称", {"t": "村道维修", "span": 4}],
            ["预算数（万元）", {"t": "12.5", "span": 4}],
            ["一级指标", "二级指标", "三级指标", "指标值", "备注"],
            ["产出指标", "数量指标", "维修道路长度", "≥5公里", ""],
            [None, None, "新建桥梁", "2座", ""],
            [None, "质量指标", "验收合格率", "100%", ""],
            ["效益指标", "社会效益指标", "群众出行条件", "明显改善", ""],
        ]},
        {"rows": [
            ["序号", "村名", "金额（元）"],
            ["1", "东村", "30000"],
            ["2", "西村", "95000"],
        ]},
    ],
    "after": ["填报人：王**"],
}
SECOND = {"doc": "test_02", "unit": "样例街道", "tables": [{"rows": [
    [{"t": "绩效指标", "span": 3}, "指标值"],
    ["一级指标", "二级指标", "三级指标", None],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
]}]}

# (row, col, row_span, col_span, text) of every cell of the first table, as the grid says
FIRST_TABLE = [
    (0, 0, 1, 1, "项目名称"), (0, 1, 1, 4, "村道维修"), (1, 0, 1, 1, "预算数（万元）"), (1, 1, 1, 4, "12.5"),
    (2, 0, 1, 1, "一级指标"), (2, 1, 1, 1, "二级指标"), (2, 2, 1, 1, "三级指标"), (2, 3, 1, 1, "指标值"),
    (2, 4, 1, 1, "备注"), (3, 0, 3, 1, "产出指标"), (3, 1, 2, 1, "数量指标"), (3, 2, 1, 1, "维修道路长度"),
    (3, 3, 1, 1, "≥5公里"), (3, 4, 1, 1, ""), (4, 2, 1, 1, "新建桥梁"), (4, 3, 1, 1, "2座"), (4, 4, 1, 1, ""),
    (5, 1, 1, 1, "质量指标"), (5, 2, 1, 1, "验收合格率"), (5, 3, 1, 1, "100%"), (5, 4, 1, 1, ""),
    (6, 0, 1, 1, "效益指标"), (6, 1, 1, 1, "社会效益指标"), (6, 2, 1, 1, "群众出行条件"), (6, 3, 1, 1, "明显改善"),
    (6, 4, 1, 1, ""),
]


def _corpus(root: Path, *grids: dict) -> Path:
    (root / "grids").mkdir(parents=True)
    for grid in grids:
        (root / "grids" / f"{grid['doc']}.yaml").write_text(yaml.safe_dump(grid, allow_unicode=True), "utf-8")
    return root


def _cells(table: Table) -> list[tuple[int, int, int, int, str]]:
    return sorted((c.row, c.col, c.row_span, c.col_span, compact(c.text)) for c in table.cells if c.text.strip()
                  or (c.row_span, c.col_span) != (1, 1))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _corpus(tmp_path_factory.mktemp("real"), FORM, SECOND)
    assert main(["--corpus", str(root)]) == 0
    return root / "inbox"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_tables_come_back_with_their_merges(rendered: Path, fmt: str):
    document = read_document(rendered / "测试镇" / f"test_01.{fmt}")
    first, second = document.tables()
    want = [(r, c, rs, cs, compact(t)) for r, c, rs, cs, t in FIRST_TABLE if t or (rs, cs) != (1, 1)]
    assert _cells(first) == sorted(want)
    assert (first.n_rows, first.n_cols, second.n_rows, second.n_cols) == (7, 5, 3, 3)
    assert [[c.text for c in row] for row in second.rows()] == [r for r in FORM["tables"][1]["rows"]]
    text = document.text()
    assert "2024年项目支出绩效目标表" in text and "填报人：王**" in text


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_header_cell_merged_down_beside_a_spanned_one(rendered: Path, fmt: str):
    [table] = read_document(rendered / "样例街道" / f"test_02.{fmt}").tables()
    assert (0, 0, 1, 3, "绩效指标") in _cells(table) and (0, 3, 2, 1, "指标值") in _cells(table)


def test_same_bytes_every_time(rendered: Path, tmp_path: Path):
    again = _corpus(tmp_path / "again", FORM, SECOND)
    render_corpus(again)
    for name in ("测试镇/test_01.docx", "测试镇/test_01.pdf", "样例街道/test_02.docx", "样例街道/test_02.pdf"):
        assert (again / "inbox" / name).read_bytes() == (rendered / name).read_bytes(), name


@pytest.mark.parametrize(("rows", "message"), [
    ([["a", "b"], ["c"]], "table 1, row 2: covers 1 grid columns, row 1 covers 2"),
    ([[None, "b"]], "table 1, row 1: null at column 1"),
    ([[{"t": "a", "span": 2}], ["b", None]], "table 1, row 2: null at column 2"),
    ([["a", "b"], [{"t": "c", "span": 0}, "d"]], "table 1, row 2: a merged cell"),
])
def test_a_bad_grid_names_its_file_and_row(tmp_path: Path, rows, message):
    root = _corpus(tmp_path, {"doc": "bad_01", "unit": "某镇", "tables": [{"rows": rows}]})
    with pytest.raises(GridError, match="bad_01.yaml: " + message.replace("(", r"\(")):
        load_grid_file(root / "grids" / "bad_01.yaml")
    assert main(["--corpus", str(root)]) == 1 and not (root / "inbox").exists()
