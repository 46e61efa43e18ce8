"""Forms in layouts jixiao was never tuned on (fixtures/unseen.py: synonym headers, period columns, an
operator column, side-by-side blocks, level notes, a blank 二级 header, non-indicator rows, a second
table, everyday budget labels), each as docx, PDF and copied web text, read → parsed → published
without Prefect and compared with the truth per layout and format: every indicator row and no other,
its canonical levels and the value the year's target means, the project with its budget, and `ok`.

Five seeds per layout walk its variants. These measure the parser's grasp of the *kind* of form, so
some fail on a parser that only knows the layouts it has seen — that is what they are for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.faults import build_without_flow
from fixtures.forms import FormDocument
from fixtures.unseen import UNSEEN_FORMATS, UNSEEN_LAYOUTS, make_unseen_document, write_unseen, write_unseen_inbox
from fixtures.unseen_score import by_document, load_tables, value_right
from jixiao.normalizers.text import compact

SEEDS = list(range(5))
CASES = [pytest.param(layout, fmt, id=f"{layout}-{fmt}") for layout in UNSEEN_LAYOUTS for fmt in UNSEEN_FORMATS]
Published = dict[tuple[str, str], list[tuple[int, FormDocument, dict, list[dict], list[dict]]]]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    root = tmp_path_factory.mktemp("unseen")
    written = write_unseen_inbox(root / "inbox", list(UNSEEN_LAYOUTS), list(UNSEEN_FORMATS), SEEDS)
    tables = by_document(load_tables(build_without_flow(root / "inbox", root / "out", year=2024)))
    out: Published = {}
    for rel, (layout, fmt, seed, form) in written.items():
        out.setdefault((layout, fmt), []).append((seed, form, *tables[rel]))
    return out


def _names(rows: list[dict]) -> list[str]:
    return sorted(compact(r["name_raw"] or "") for r in rows)


@pytest.mark.parametrize("layout, fmt", CASES)
def test_every_indicator_row_and_no_other(published: Published, layout: str, fmt: str):
    wrong = {seed: (sorted(set(_names(form.indicators)) - set(_names(got))),
                    sorted(set(_names(got)) - set(_names(form.indicators))), len(got))
             for seed, form, _doc, _projects, got in published[(layout, fmt)]
             if _names(got) != _names(form.indicators)}
    assert not wrong, f"seed: (missing, not indicators, rows read) {wrong}"


@pytest.mark.parametrize("layout, fmt", CASES)
def test_levels_and_values_mean_what_the_form_says(published: Published, layout: str, fmt: str):
    wrong = []
    for seed, form, _doc, _projects, got in published[(layout, fmt)]:
        by_name: dict[str, list[dict]] = {}
        for row in got:
            by_name.setdefault(compact(row["name_raw"] or ""), []).append(row)
        for want in form.indicators:
            rows = by_name.get(compact(want["name_raw"]), [])
            fields = [(r["level1"], r["level2"], value_right(want, r)) for r in rows]
            if (want["level1"], want["level2"], True) not in fields:
                wrong.append((seed, want["name_raw"], want["level1"], want["level2"], want["value_raw"],
                              [(r["level1"], r["level2"], r["value_raw"]) for r in rows]))
    assert not wrong, f"(seed, name, level1, level2, value) → read as: {wrong}"


@pytest.mark.parametrize("layout, fmt", CASES)
def test_the_project_its_budget_and_an_honest_ok(published: Published, layout: str, fmt: str):
    wrong = []
    for seed, form, doc, projects, _got in published[(layout, fmt)]:
        got = [(compact(p["project_name"] or ""), p["budget_wan"], p["fiscal_wan"]) for p in projects]
        for want in form.projects:
            fiscal = want.get("fiscal_wan")
            if not any(compact(want["name"]) in name and budget == pytest.approx(want["budget_wan"])
                       and (fiscal is None or f == pytest.approx(fiscal)) for name, budget, f in got):
                wrong.append((seed, "project", want["name"], want["budget_wan"], fiscal, got))
        if len(projects) != len(form.projects):
            wrong.append((seed, "projects read", len(projects), got))
        if (doc["status"], doc["form_kind"]) != ("ok", form.form_kind):
            wrong.append((seed, doc["status"], doc["form_kind"], doc["error"]))
    assert not wrong, wrong


@pytest.mark.parametrize("layout", list(UNSEEN_LAYOUTS))
def test_generator_is_deterministic_and_truth_is_in_the_grid(tmp_path: Path, layout: str):
    """The fixture itself: same bytes for the same seed, and every truth row printed in the table."""
    for fmt, ext in UNSEEN_FORMATS.items():
        a, b = tmp_path / f"a.{ext}", tmp_path / f"b.{ext}"
        write_unseen(make_unseen_document(3, layout), a, fmt)
        write_unseen(make_unseen_document(3, layout), b, fmt)
        assert a.read_bytes() == b.read_bytes(), fmt
    for seed in SEEDS:
        form = make_unseen_document(seed, layout)
        assert len({sum(c.span for c in row) for row in form.grid}) == 1
        cells = {compact(c.text) for row in form.grid for c in row if c.text}
        assert form.indicators and all(compact(w["name_raw"]) in cells for w in form.indicators)
        assert all(compact(w["level1_raw"]) in cells for w in form.indicators)
