"""Markdown: rendering time is linear in the text, measured side by side in one run.

Prints three ratios:

1. `"[x](" * 8000` (32 KB) vs `"[x](" * 1000` (4 KB): 8× the text, so at most 8× the time
   (linear; stock Python-Markdown's scans are quadratic: about 64×);
2. that 32 KB of unclosed links vs 32 KB of ordinary prose with links (≤ 3×);
3. stock Python-Markdown vs ours on `"[x](" * 2000` (8 KB), for context.

Run: `python benchmarks/rendering.py` (about half a minute).
"""

from __future__ import annotations

import markdown as md
from timing import best_per_call
from timing import print_ratios

from atrium import markdown

PROSE = "Atrium keeps your [website](https://example.com/a) and your *back-office* in one place. "


def main() -> None:
    unclosed_4k, unclosed_32k = "[x](" * 1000, "[x](" * 8000
    prose_32k = PROSE * (len(unclosed_32k) // len(PROSE))
    ours = best_per_call(
        {
            "4k": lambda: markdown.render(unclosed_4k),
            "32k": lambda: markdown.render(unclosed_32k),
            "prose": lambda: markdown.render(prose_32k),
            "8k": lambda: markdown.render("[x](" * 2000),
        },
        n=1,
        rounds=3,
    )
    stock = best_per_call(
        {"8k": lambda: md.markdown("[x](" * 2000, extensions=markdown.EXTENSIONS)}, n=1, rounds=2
    )["8k"]
    ms = {name: f"{seconds * 1e3:.0f} ms" for name, seconds in {**ours, "stock": stock}.items()}
    rows = [
        (
            "unclosed links, 32 KB / 4 KB",
            ours["32k"] / ours["4k"],
            "≤ 8×",
            f"{ms['32k']} vs {ms['4k']}",
        ),
        (
            "unclosed links / prose, 32 KB each",
            ours["32k"] / ours["prose"],
            "≤ 3×",
            f"{ms['32k']} vs {ms['prose']}",
        ),
        (
            "stock / ours, unclosed links, 8 KB",
            stock / ours["8k"],
            "context",
            f"{ms['stock']} vs {ms['8k']}",
        ),
    ]
    print_ratios(rows)


if __name__ == "__main__":
    main()
