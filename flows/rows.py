"""Turn parsed documents into the rows of the contract's tables, normalizing as we go.

This is the one place where the parser's raw structure meets the normalizers
(pure functions over values) and the vocabulary. It works on a batch of documents
at a time so that vocabulary matching runs as one `cdist` over the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from jixiao.flows.extract import Extraction
from jixiao.flows.inbox import InboxFile
from jixiao.parsing.structure import ParsedDocument
from jixiao.normalizers.levels import canonical_basis, canonical_levels, parent_level1
from jixiao.analysis.review import review_rows
from jixiao.normalizers.sentences import iter_paragraph_targets
from jixiao.normalizers.value_checks import value_flag
from jixiao.normalizers.values import money_context, parse_indicator_value
from jixiao.normalizers.vocabulary import IndicatorVocabulary

TableRows = dict[str, list[dict]]


@dataclass
class BatchRows:
    tables: TableRows
    review: list[dict]  # low-confidence and new vocabulary matches


def document_row(file: InboxFile, extraction: Extraction, n_indicators: int = 0) -> dict:
    """The documents row: what discovery knows of the file, then its outcome and counts (none for a
    document not read)."""
    parsed = extraction.parsed or ParsedDocument()
    return {
        "doc_id": file.doc_id,
        "township": file.township,
        "unit_code": file.unit_code or parsed.unit_code,
        "year": file.year or parsed.year,
        "source_path": file.source_path,
        **extraction.model_dump(include={"format", "encoding", "status", "error", "error_code", "read_method",
                                         "form_kind", "n_pages"}),
        "notes": "; ".join([*extraction.notes, *filter(None, [file.path_note])]) or None,
        "n_goals": len(parsed.goals),
        "n_projects": len(parsed.projects),
        "n_indicators": n_indicators,
        "size_bytes": file.size_bytes,
    }


def _raw_indicators(file: InboxFile, parsed: ParsedDocument) -> list[dict]:
    """Table rows and paragraph targets, before normalization."""
    rows = [{"doc_id": file.doc_id, "township": file.township, "source": "table", **ind.model_dump()}
            for ind in parsed.indicators]
    items = [g for g in parsed.goals if g.kind == "item" and g.indicator_text]
    for item, targets in zip(items, iter_paragraph_targets(g.indicator_text for g in items)):
        for target in targets:
            rows.append({"doc_id": file.doc_id, "township": file.township, "source": "paragraph",
                         "name_raw": target.name_raw, "value_raw": target.value_raw,
                         "sentence": target.sentence, "item_seq": item.seq, "confidence": item.confidence})
    return rows


def _normalize(rows: list[dict], years: Sequence[int | None], vocabulary: IndicatorVocabulary) -> list[dict]:
    """Fill the canonical columns of indicator rows in place; returns the rows whose match needs review."""
    for row, year in zip(rows, years):
        level1, level2 = canonical_levels(row.get("level1_raw"), row.get("level2_raw"))
        parent = parent_level1(level2)
        guessed = row.pop("level1_guessed", False)
        row["level1"] = parent if parent and (level1 is None or guessed) else level1
        row["level2"] = level2
        row["basis"] = canonical_basis(row.get("basis_raw"))
        money = money_context(row.get("level2_raw"), row.get("name_raw"), row.get("description"))
        value = parse_indicator_value(row.get("value_raw"), year, money=money)
        row.update(operator=value.operator, value=value.value, unit_raw=value.unit_raw, unit=value.unit,
                   value_base=value.value_base, base_unit=value.base_unit, value_kind=value.value_kind,
                   grade=value.grade, value_max=value.value_max, value_note=value.reason,
                   value_flag=value_flag(row.get("value_raw"), value.value, value.value_max, value.unit,
                                         value.value_kind, row.get("name_raw")),
                   due_date=date.fromisoformat(value.due_date) if value.due_date else None)
    matches = vocabulary.match_indicators([r.get("name_raw") or "" for r in rows],
                                          [r.get("description") or r.get("sentence") for r in rows],
                                          [r.get("level2") for r in rows])
    for row, match in zip(rows, matches):
        row.update(indicator_id=match.indicator_id, indicator=match.indicator,
                   match_score=match.score, match_method=match.method)
    return review_rows(rows, matches, vocabulary)


def batch_rows(batch: Sequence[tuple[InboxFile, Extraction]], vocabulary: IndicatorVocabulary) -> BatchRows:
    """Rows of every table for a batch of documents (duplicates are found later, over all rows)."""
    tables: TableRows = {"documents": [], "goals": [], "projects": [], "indicators": []}
    indicators: list[dict] = []
    years: list[int | None] = []
    counts: list[int] = []
    for file, extraction in batch:
        parsed = extraction.parsed
        if parsed is None:
            counts.append(0)
            continue
        base = {"doc_id": file.doc_id, "township": file.township}
        tables["goals"].extend({**base, **g.model_dump()} for g in parsed.goals)
        year = file.year or parsed.year
        tables["projects"].extend({**base, "year": year, **p.model_dump()} for p in parsed.projects)
        raw = _raw_indicators(file, parsed)
        indicators.extend(raw)
        years.extend([year] * len(raw))
        counts.append(len(raw))
    review = _normalize(indicators, years, vocabulary) if indicators else []
    tables["indicators"] = indicators
    tables["documents"] = [document_row(file, extraction, n) for (file, extraction), n in zip(batch, counts)]
    return BatchRows(tables=tables, review=review)
