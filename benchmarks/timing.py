"""Side-by-side timing shared by the benchmarks (imported as a sibling module: the scripts
run as `python benchmarks/<name>.py`, which puts this folder on the import path)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_per_call(calls: dict[str, Callable[[], object]], n: int, rounds: int) -> dict[str, float]:
    """Seconds per call of each contender: the best of `rounds` batches of `n` calls. The
    contenders' batches alternate, so a busy moment on a shared machine hits all alike."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(n):
                call()
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    return best


def print_ratios(rows: list[tuple[str, float, str, str]]) -> None:
    """The table every benchmark prints: measure, ratio, goal, detail."""
    width = max(len("measure"), *(len(row[0]) for row in rows))
    print(f"{'measure':{width}} {'ratio':>8}  {'goal':8} detail")
    for name, ratio, goal, detail in rows:
        print(f"{name:{width}} {ratio:7.2f}×  {goal:8} {detail}")
