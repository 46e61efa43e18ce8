"""`jixiao report`: DIR/report.html shows the dataset's own figures, needs no network, and renders in Chromium."""

from __future__ import annotations

import csv
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from jixiao.analysis.labels import error_message, label
from jixiao.analysis.report import dot_plot
from jixiao.analysis.views import IndicatorValue, UnitComparison, duplicate_groups, report_data
from jixiao.cli import app
from jixiao.store.local import run_query

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from screenshot_report import find_chromium, screenshot  # noqa: E402


class Tables(HTMLParser):
    """The text of every cell of every <table id=…>, row by row."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = dict(attrs).get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def dataset(example_dataset: Path) -> Path:
    return example_dataset


@pytest.fixture(scope="module")
def html(dataset: Path) -> str:
    result = CliRunner().invoke(app, ["report", "--out", str(dataset)])
    assert result.exit_code == 0, result.output
    return (dataset / "report.html").read_text(encoding="utf-8")


def card(html: str, name: str) -> str:
    return re.search(rf'id="n-{name}">([^<]*)<', html).group(1)


def scalar(out: Path, sql: str):
    return run_query(out, sql)[1][0][0]


def test_headline_numbers_are_the_datasets(dataset: Path, html: str):
    for name, table in (("documents", "documents"), ("projects", "projects"), ("indicators", "indicators"),
                        ("goals", "goals")):
        assert card(html, name) == str(scalar(dataset, f"select count(*) from {table}")), name
    assert card(html, "failed") == str(scalar(dataset, "select count(*) from documents where status = 'failed'"))
    assert card(html, "duplicate-groups") == str(scalar(dataset, "select count(distinct group_id) from duplicates"))
    with (dataset / "review.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert card(html, "review") == str(len(list(csv.DictReader(fh))))


def test_township_table_counts_documents_per_format_and_indicators(dataset: Path, html: str):
    rows = Tables(html).tables["townships"]
    header, body, total = rows[0], rows[1:-1], rows[-1]
    formats = header[1:header.index("失败")]
    expected = {(t, label("format", f), n) for t, f, n in
                run_query(dataset, "select township, format, count(*) from current_documents group by all")[1]}
    shown = {(r[0], f, int(r[1 + i])) for r in body for i, f in enumerate(formats) if r[1 + i]}
    assert shown == set(expected)
    indicators = dict(run_query(dataset, "select township, sum(n_indicators) from current_documents group by 1")[1])
    column = header.index("指标")
    assert {r[0]: int(r[column]) for r in body} == indicators
    assert int(total[column]) == scalar(dataset, "select count(*) from current_indicators")


def test_failed_documents_are_listed_with_their_reasons(dataset: Path, html: str):
    failed = run_query(dataset, "select source_path, error_code from current_documents where status <> 'ok'")[1]
    assert failed, "the example inbox has a broken file"
    rows = Tables(html).tables["failed"][1:]
    assert {(r[1], r[4]) for r in rows} == {(path, error_message(code)) for path, code in failed}
    assert all(re.search(r"[\u4e00-\u9fff]", r[4]) and not re.search(r"[A-Za-z]{4,}", r[4].replace("Word", ""))
               for r in rows), "the clerk reads what to do in Chinese; the English detail stays in documents.error"


def test_boilerplate_bars_and_copied_targets(dataset: Path, html: str):
    data = report_data(dataset)
    for township in data.townships:
        assert f"{township.township}: {township.boilerplate_share:.1%}" in html
    copied = Tables(html).tables["copied"][1:]
    top = duplicate_groups(dataset, limit=len(copied))
    assert [r[3] for r in copied] == [g.text for g in top]
    assert [int(r[0]) for r in copied] == [g.n_townships for g in top]


def test_every_value_of_the_charted_indicators_is_a_dot(dataset: Path, html: str):
    data = report_data(dataset)
    for comparison in data.distributions:
        assert comparison.indicator.indicator in html
    dots = len(re.findall(r"<circle ", html))
    hidden = sum(int(n) for n in re.findall(r'text-anchor="middle">\+(\d+)</text>', html))
    assert dots + hidden == sum(u.n for c in data.distributions for u in c.units) > 0
    assert html.count('class="dot outlier"') == sum(len(u.outliers) for c in data.distributions for u in c.units)


def test_outliers_are_red_dots_even_in_a_full_bin():
    """Sixty equal targets fill one bin past what is drawn; the two outliers (one inside that bin) are
    still drawn red, each with its township and reason, and the rest are counted in "+n"."""
    values = [IndicatorValue(f"镇{i}", f"d{i}", None, "巡查次数", "≥12次", ">=", 12.0) for i in range(60)]
    values.append(IndicatorValue("远镇", "far", None, "巡查次数", "≥12000次", ">=", 12000.0, "单位疑误"))
    values.append(IndicatorValue("近镇", "near", None, "巡查次数", "≥12次", ">=", 12.0, "同值也可标"))
    unit = UnitComparison("次", 12.0, 0.0, [], values)
    svg = str(dot_plot(unit))
    outliers = re.findall(r'<circle class="dot outlier"[^>]*><title>([^<]*)</title>', svg)
    assert len(outliers) == 2
    assert any("远镇" in t and "单位疑误" in t for t in outliers) and any("近镇" in t for t in outliers)
    drawn = len(re.findall(r"<circle ", svg))
    hidden = sum(int(n) for n in re.findall(r'text-anchor="middle">\+(\d+)</text>', svg))
    assert hidden > 0 and drawn + hidden == len(values)


def test_the_page_loads_nothing_from_anywhere(html: str):
    lowered = html.lower()
    for needle in ("http://", "https://", "<script", "<link", "<img", "<iframe", "@import", "url(", "src="):
        assert needle not in lowered, needle


def test_chromium_renders_the_report(dataset: Path, html: str, tmp_path: Path):
    if find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    png = screenshot(dataset / "report.html", tmp_path / "report.png", width=1280, height=2400)
    image = Image.open(png).convert("RGB")
    assert image.size == (1280, 2400)
    colors = {color for _, color in image.getcolors(maxcolors=1 << 24)}
    assert len(colors) > 200, "the page rendered as a few flat colors"
    assert (0x2F, 0x6F, 0x9F) in colors, "no bar of the boilerplate chart: the inline CSS or SVG was not applied"
