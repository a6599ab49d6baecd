"""Speed of the scoring engine against the issue's targets, with a bare NumPy baseline.

Run from the repository root:

    .venv/bin/python benchmarks/scoring_bench.py            # all scenarios, 100,000 people
    .venv/bin/python benchmarks/scoring_bench.py --people 10000 --skip-items

Each scenario runs in its own child process so that its peak memory (ru_maxrss) is its own.
Scenarios:
  scores   100,000 people × 12 period scores: classification + quota, keeping what explains each
           person (the outcome holds its classification, periods, rules and quota placements; a
           tree is built from them on demand) — then, timed apart, every one of the 100,000
           explanation trees materialised as JSON-ready dicts and kept in a list; the target
           figure is the sum of both. Reasons in words are timed too, outside the target.
           And the NumPy baseline of the same arithmetic
  items    100,000 × 12 periods × 10 work items = 12 million items → period scores → levels
  evaluate the command end to end on a 100,000-row workbook with period scores (xlsx in, xlsx out)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"

UNITS, GROUPS = 200, 7


def _scores_cohort(people: int, seed: int = 2026):
    """Quarter-point scores 60..100 as Decimals, plus the same numbers as a NumPy array."""
    from decimal import Decimal

    import numpy as np

    from congtam.scoring.api import CohortMember
    from congtam.scoring.classify import PeriodScore, Person

    rng = np.random.default_rng(seed)
    quarters = rng.integers(240, 401, size=(people, 12))
    decimals = [Decimal(q) / 4 for q in range(401)]
    labels = [str(k + 1) for k in range(12)]
    members = []
    for index in range(people):
        row = quarters[index].tolist()
        periods = tuple(PeriodScore(labels[k], decimals[row[k]]) for k in range(12))
        members.append(
            CohortMember(
                Person(f"NV{index:06d}", f"Nguyễn Văn {index}", f"Vụ {index % UNITS}", f"Nhóm {index % GROUPS}"),
                periods,
            )
        )
    return members, quarters


def numpy_baseline(quarters, people: int) -> float:
    """The same arithmetic with NumPy: mean, bands, and quota caps and admissions per unit and group.

    Admission here is 'rank within unit ≤ unit cap and rank within group ≤ group cap' — the
    vectorisable floor of the engine's greedy admission, which also frees places left by people
    refused elsewhere.
    """
    import numpy as np

    start = time.perf_counter()
    scores = quarters.sum(axis=1) / (4 * 12)
    band = np.select([scores >= 90, scores >= 70, scores >= 50], [4, 3, 2], default=1)
    unit = np.arange(people) % UNITS
    group = np.arange(people) % GROUPS
    good_or_better = band >= 3
    unit_base = np.bincount(unit[good_or_better], minlength=UNITS)
    group_base = np.bincount(group[good_or_better], minlength=GROUPS)
    unit_cap = np.floor(0.2 * unit_base).astype(int)
    group_cap = np.floor(0.2 * group_base).astype(int)
    candidates = np.flatnonzero(band == 4)
    order = candidates[np.lexsort((candidates, -scores[candidates]))]  # score desc, then staff code

    def rank_within(keys):
        by_key = np.argsort(keys, kind="stable")
        sorted_keys = keys[by_key]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_keys)) + 1]
        ranks_sorted = np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
        ranks = np.empty(len(keys), dtype=int)
        ranks[by_key] = ranks_sorted
        return ranks

    fits = (rank_within(unit[order]) < unit_cap[unit[order]]) & (rank_within(group[order]) < group_cap[group[order]])
    level = band.copy()
    level[order[~fits]] = 3
    _ = np.bincount(level, minlength=5)
    return time.perf_counter() - start


def scenario_scores(people: int) -> dict:
    from congtam.scoring.api import classify_cohort, load_policy

    policy = load_policy("nd335")
    members, quarters = _scores_cohort(people)
    start = time.perf_counter()
    result = classify_cohort(members, policy)
    classify_seconds = time.perf_counter() - start
    start = time.perf_counter()
    trees = result.explanations()
    trees_seconds = time.perf_counter() - start
    start = time.perf_counter()
    reasons = [result.reasons(outcome) for outcome in result.outcomes]
    reasons_seconds = time.perf_counter() - start
    assert len(trees) == len(reasons) == people
    numpy_seconds = min(numpy_baseline(quarters, people) for _ in range(3))
    return {"classify": classify_seconds, "trees": trees_seconds, "reasons": reasons_seconds, "numpy": numpy_seconds}


def scenario_items(people: int) -> dict:
    """12 work items per period would be 'about 10'; we use exactly 10. Items are drawn from a
    pool of distinct WorkItem values (as a catalogue would give) so that generating them does not
    dominate; the random picks are drawn in bulk before the clock starts. Timed: per person, the
    12 periods' item tuples and inputs are built (streamed: nothing of the person is kept but what
    the engine keeps), scored, then everyone is classified with the quota. Each period keeps its
    input (items, general points) and score, from which its detail is recomputed for an
    explanation; a sample of trees is built and timed separately."""
    from decimal import Decimal

    import numpy as np

    from congtam.scoring.api import CohortMember, PeriodInput, classify_cohort, load_policy, period_scores
    from congtam.scoring.classify import Person
    from congtam.scoring.methods import WorkItem

    policy = load_policy("nd335")
    rng = np.random.default_rng(7)
    factors = [Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2), Decimal(4)]
    columns = zip(
        rng.integers(0, 5, 4096).tolist(),
        rng.integers(0, 10, 4096).tolist(),
        rng.choice([0, 0, 0, 1, 2], 4096).tolist(),
        rng.choice([0, 0, 0, 1, 3], 4096).tolist(),
        rng.integers(0, 20, 4096).tolist(),
    )
    pool = [
        WorkItem(factors[factor], completed < 9, failures, late, cause == 0, f"SP{index}")
        for index, (factor, completed, failures, late, cause) in enumerate(columns)
    ]
    general = [Decimal(h) / 2 for h in range(61)]
    labels = [str(k + 1) for k in range(12)]
    all_picks = rng.integers(0, 4096, size=(people, 120), dtype=np.int16)
    all_generals = rng.integers(40, 61, size=(people, 12), dtype=np.int8)
    items_scored = 0

    def members():
        nonlocal items_scored
        for index in range(people):
            picks = all_picks[index].tolist()
            generals = all_generals[index].tolist()
            person = Person(f"NV{index:06d}", f"Người {index}", f"Vụ {index % UNITS}", f"Nhóm {index % GROUPS}")
            inputs = [
                PeriodInput(labels[k], tuple([pool[p] for p in picks[k * 10 : (k + 1) * 10]]), general[generals[k]])
                for k in range(12)
            ]
            items_scored += 120
            yield CohortMember(person, period_scores(inputs, policy=policy))

    start = time.perf_counter()
    result = classify_cohort(members(), policy)
    total_seconds = time.perf_counter() - start
    sample = result.explanation(result.outcomes[0])  # explanations stay available
    assert sample["score"]["inputs"]["periods"][0]["formula"] == "g + t"
    sample_size = min(1000, people)
    start = time.perf_counter()
    for outcome in result.outcomes[:sample_size]:
        result.explanation(outcome)
    tree_seconds = (time.perf_counter() - start) / sample_size
    return {"items": items_scored, "seconds": total_seconds, "tree_seconds": tree_seconds}


def make_workbook(people: int, path: Path) -> None:
    import numpy as np
    import xlsxwriter

    rng = np.random.default_rng(11)
    quarters = rng.integers(240, 401, size=(people, 12)) / 4
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Nhân sự")
    headers = [
        "Mã nhân sự",
        "Họ và tên",
        "Đơn vị",
        "Nhóm",
        "Lãnh đạo",
        "Kỷ luật",
        "Suy thoái",
        "Tháng công tác",
        "Tháng nghỉ",
        "Tháng thai sản",
        "Ngoại lệ tỷ lệ",
    ] + [f"Điểm kỳ {k + 1}" for k in range(12)]
    sheet.write_row(0, 0, headers)
    for index in range(people):
        sheet.write_row(
            index + 1,
            0,
            [
                f"NV{index:06d}",
                f"Nguyễn Văn {index}",
                f"Vụ {index % UNITS}",
                f"Nhóm {index % GROUPS}",
                "Không",
                "",
                "Không",
                12,
                0,
                0,
                "",
            ],
        )
        sheet.write_row(index + 1, 11, quarters[index].tolist())
    workbook.close()


def scenario_evaluate(people: int) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    workbook = OUT / f"cohort-{people}.xlsx"
    if not workbook.exists():
        make_workbook(people, workbook)
    output = OUT / f"results-{people}.xlsx"
    output.unlink(missing_ok=True)
    start = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "congtam.scoring",
            "evaluate",
            "--policy",
            "nd335",
            "--input",
            str(workbook),
            "--output",
            str(output),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    stderr = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0 or not output.exists():
        raise RuntimeError(f"evaluate failed: {stderr}")
    return {"seconds": seconds, "peak_mib": usage.ru_maxrss / 1024}


SCENARIOS = {"scores": scenario_scores, "items": scenario_items, "evaluate": scenario_evaluate}


def run_child(name: str, people: int) -> dict:
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", name, "--people", str(people)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    stdout = child.stdout.read().decode() if child.stdout else ""
    stderr = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{name} failed:\n{stderr}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["child_peak_mib"] = usage.ru_maxrss / 1024
    figures["load"] = os.getloadavg()[0]  # the machine is shared: say how busy it was
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--skip-items", action="store_true", help="skip the 12-million-item scenario")
    parser.add_argument("--skip-evaluate", action="store_true")
    parser.add_argument("--child", choices=sorted(SCENARIOS))
    options = parser.parse_args()
    if options.child:
        print(json.dumps(SCENARIOS[options.child](options.people)))
        return 0

    people = options.people
    rows = []
    scores = run_child("scores", people)
    in_process = scores["classify"] + scores["trees"]
    rows += [
        (f"{people:,} × 12 scores: classify + quota (explanation data kept)", scores["classify"], "", ""),
        ("  + every explanation tree materialised (JSON-ready)", scores["trees"], "", ""),
        ("  = classify, quota and all explanations", in_process, "≤ 5 s", f"{scores['child_peak_mib']:.0f} MiB"),
        ("  reasons in words for everyone (not in the target)", scores["reasons"], "", ""),
        ("  NumPy baseline, same arithmetic (best of 3)", scores["numpy"], "", ""),
    ]
    ratio_classify = scores["classify"] / scores["numpy"]
    ratio_all = in_process / scores["numpy"]
    if not options.skip_items:
        items = run_child("items", people)
        rows.append(
            (
                f"{items['items']:,} work items → period scores → levels (quota)",
                items["seconds"],
                "≤ 60 s, ≤ 2 GiB",
                f"{items['child_peak_mib']:.0f} MiB",
            )
        )
        rows.append(
            (
                "  one person's tree from items, built on demand (ms, not in the target)",
                items["tree_seconds"] * 1000,
                "",
                "",
            )
        )
    if not options.skip_evaluate:
        evaluate = run_child("evaluate", people)
        rows.append(
            (
                f"evaluate end to end, {people:,}-row xlsx → xlsx",
                evaluate["seconds"],
                "≤ 30 s, ≤ 1 GiB",
                f"{evaluate['peak_mib']:.0f} MiB",
            )
        )
    width = max(len(row[0]) for row in rows)
    print(f"{'scenario':<{width}}  {'seconds':>8}  {'target':<16} peak memory")
    for label, seconds, target, memory in rows:
        print(f"{label:<{width}}  {seconds:>8.2f}  {target:<16} {memory}")
    print(f"ratio to NumPy: classify + quota {ratio_classify:.0f}×; with all explanation trees {ratio_all:.0f}×")
    loads = [f"scores {scores['load']:.2f}"]
    if not options.skip_items:
        loads.append(f"items {items['load']:.2f}")
    if not options.skip_evaluate:
        loads.append(f"evaluate {evaluate['load']:.2f}")
    print("1-minute load average at the end of each scenario: " + ", ".join(loads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
