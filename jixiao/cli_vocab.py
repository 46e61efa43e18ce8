"""`jixiao vocab suggest`: YAML entries for the indicator names the vocabulary did not know.

A command group of the `jixiao` app (registered in cli.py): growing the vocabulary, not reading the data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli_output import OutOption, console, err, fail

vocab_app = typer.Typer(no_args_is_help=True, help="Grow the controlled indicator vocabulary.")


@vocab_app.command("suggest")
def vocab_suggest(
    out: OutOption = Path("output"),
    include_paragraphs: Annotated[bool, typer.Option(help="Also cluster names from 绩效指标 sentences.")] = False,
) -> None:
    """Cluster indicator names the vocabulary did not know and print YAML entries to paste into
    dictionaries/indicators.yaml (then re-run: documents are not read again)."""
    from jixiao.analysis.review import suggest_vocabulary, unit_family
    from jixiao.store.local import StoreError, run_query

    try:  # current documents only: a superseded copy would count its names twice
        _, found = run_query(out, "select name_raw, level2, source, case when nullif(trim(value_raw), '') is not null "
                                  "then value_kind end, base_unit from current_indicators where match_method = 'new' "
                                  "order by name_raw")
        _, [(superseded,)] = run_query(out, "select count(*) from indicators where match_method = 'new' and doc_id "
                                            "not in (select doc_id from current_documents)")
    except StoreError as exc:
        raise fail(str(exc), code=1) from exc
    rows = [r for r in found if include_paragraphs or r[2] != "paragraph"]
    left_out = len(found) - len(rows)
    if rows:
        print(suggest_vocabulary([r[0] for r in rows], [r[1] for r in rows],
                                 families=[unit_family(r[3], r[4]) for r in rows]))
    elif not left_out:
        console.print("every indicator name matched the vocabulary; nothing to suggest")
    if left_out:  # on stderr: stdout stays YAML to paste
        err.print(f"{'' if rows else 'every table indicator matched the vocabulary; '}{left_out} new names come "
                  "from 绩效指标 sentences (paragraph rows): add --include-paragraphs to cluster them too",
                  soft_wrap=True, highlight=False)
    if superseded:
        err.print(f"{superseded} new names of superseded files (older versions of a resubmission) are left out",
                  soft_wrap=True, highlight=False)
