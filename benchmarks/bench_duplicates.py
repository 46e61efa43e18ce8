"""Time and peak memory of find_duplicates at two sizes, to show it grows about linearly.

usage: python benchmarks/bench_duplicates.py [--rows 75000 150000] [--seed 1]

A district of synthetic townships: every document draws its indicator 描述 and goal
paragraphs from a few thousand distinct texts, copied as is, re-spaced or re-punctuated,
with a character added, dropped or changed, or replaced by a text of its own. Each size
runs in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jixiao.model.schema import to_arrow  # noqa: E402
from jixiao.analysis.duplicates import find_duplicates  # noqa: E402

ROWS_PER_DOCUMENT = 100
GOALS_PER_DOCUMENT = 20
DOCUMENTS_PER_TOWNSHIP = 4  # years and revisions
LEADS = ["保障", "确保", "按时完成", "组织开展", "持续推进", "加强", "落实", "提高", "规范", "督促"]
SUBJECTS = ["村级组织运转", "办公用品采购", "安全生产隐患排查", "人居环境整治", "征兵工作", "一事一议项目",
            "转移支付资金发放", "党员干部理论学习", "信访矛盾化解", "秸秆禁烧巡查", "村庄清洁行动", "财务人员培训",
            "农村道路硬化", "防汛物资储备", "退役军人服务", "公共卫生宣传", "统计调查", "民兵整组", "河道保洁",
            "垃圾清运", "网格化管理", "殡葬改革", "社会救助审核", "耕地保护巡查", "林木管护"]
TAILS = ["工作顺利开展", "的及时性", "占全年任务的比例", "资金科学有效使用", "群众满意度", "合格率", "完成次数",
         "各项工作正常运转", "按期整改的比例", "覆盖率", "长效管理机制持续发挥作用", "社会稳定水平逐步提高"]
FILLERS = "的各项及全面有序工作"
ALPHABET = sorted(set("".join(LEADS + SUBJECTS + TAILS)))


def distinct_texts(rng: random.Random, n: int) -> list[str]:
    """`n` distinct texts of 8–40 characters in the style of 绩效指标描述 and 目标内容."""
    texts: set[str] = set()
    while len(texts) < n:
        parts = [rng.choice(LEADS) + rng.choice(SUBJECTS), rng.choice(TAILS)]
        if rng.random() < 0.5:
            parts.insert(1, rng.choice(LEADS) + rng.choice(SUBJECTS))
        texts.add("，".join(parts) + rng.choice(["。", ""]))
    return sorted(texts)


def own_text(rng: random.Random) -> str:
    """A text only this document uses: 10–30 characters drawn from the texts' own alphabet."""
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(10, 30)))


def copied(rng: random.Random, text: str) -> str:
    """How a clerk copies a text: as is, re-spaced, re-punctuated, or with one character edited."""
    roll = rng.random()
    if roll < 0.6:
        return text
    if roll < 0.75:
        return text.replace("，", rng.choice([", ", " ", "；", ""]))
    i = rng.randrange(len(text))
    if roll < 0.85:
        return text[:i] + rng.choice(FILLERS) + text[i:]
    if roll < 0.93:
        return text[:i] + text[i + 1:]
    return text[:i] + rng.choice(FILLERS) + text[i + 1:]


def district(rng: random.Random, n_rows: int) -> tuple[list[dict], list[dict]]:
    """Indicator and goal rows of n_rows / ROWS_PER_DOCUMENT documents."""
    descriptions = distinct_texts(rng, 3000)
    paragraphs = distinct_texts(rng, 1500)
    indicators, goals = [], []
    for d in range(n_rows // ROWS_PER_DOCUMENT):
        doc_id, township = f"doc{d:05d}", f"镇{d // DOCUMENTS_PER_TOWNSHIP:04d}"
        for r in range(ROWS_PER_DOCUMENT):
            own = rng.random() < 0.1
            text = own_text(rng) if own else copied(rng, rng.choice(descriptions))
            indicators.append({"doc_id": doc_id, "township": township, "project_code": f"{doc_id}P{r // 10:02d}",
                               "source": "table", "name_raw": rng.choice(TAILS), "description": text,
                               "value_raw": rng.choice(["≥95%", "≥98%", "100%", "优", "≤1500元/月", "12月底前完成"])})
        for s in range(GOALS_PER_DOCUMENT):
            goals.append({"doc_id": doc_id, "township": township, "kind": rng.choice(["item", "measure", "project"]),
                          "seq": s + 1, "goal_text": copied(rng, rng.choice(paragraphs)),
                          "project_code": f"{doc_id}P{s % 10:02d}"})
    return indicators, goals


def measure(n_rows: int, seed: int) -> dict:
    """One size, in this process: seconds and peak RSS of find_duplicates."""
    indicators, goals = district(random.Random(seed), n_rows)
    indicator_table, goal_table = to_arrow("indicators", indicators), to_arrow("goals", goals)
    del indicators, goals
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu_start = time.perf_counter(), time.process_time()
    result = find_duplicates(indicator_table, goal_table)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": indicator_table.num_rows, "goals": goal_table.num_rows,
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2),
            "peak_rss_mb": round(rss_peak / 1024), "rss_before_mb": round(rss_before / 1024),
            "groups": len({r["group_id"] for r in result.rows}), "duplicate_rows": len(result.rows),
            "mean_boilerplate_share": round(sum(result.boilerplate_share.values()) / len(result.boilerplate_share), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[75_000, 150_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.rows[0], args.seed)))
        return
    figures = []
    for n in args.rows:
        out = subprocess.run([sys.executable, __file__, "--child", "--rows", str(n), "--seed", str(args.seed)],
                             check=True, capture_output=True, text=True).stdout
        figures.append(json.loads(out))
        print(" ".join(f"{k}={v}" for k, v in figures[-1].items()), flush=True)
    if len(figures) >= 2:
        small, large = figures[0], figures[-1]
        print(f"size x{large['rows'] / small['rows']:.2f}: time x{large['seconds'] / small['seconds']:.2f} "
              f"(cpu x{large['cpu_seconds'] / small['cpu_seconds']:.2f}), "
              f"peak RSS x{large['peak_rss_mb'] / small['peak_rss_mb']:.2f}")


if __name__ == "__main__":
    main()
