"""``live bench``: how fast the optimiser, the renderers, the frame loop and the kiosk run.

- :mod:`~live.tools.bench.steps`: ms per optimiser step and per colour render, per backend,
  device, swarm and render size, against the seed's loop; the largest pool;
- :mod:`~live.tools.bench.loop`: the headless frame loop (with the hand or the mirror alongside);
- :mod:`~live.tools.bench.kiosk`: the kiosk's whole frame at a screen size.
"""

from live.tools.bench.kiosk import format_kiosk, parse_screen, run_kiosk_bench
from live.tools.bench.loop import LOOP_SETTINGS, format_loop, loop_script, rss_mb, run_loop_bench
from live.tools.bench.steps import HEADER, BenchRow, format_row, median_ms, rows_as_dicts, run_bench, run_pool_bench

__all__ = [
    "HEADER",
    "LOOP_SETTINGS",
    "BenchRow",
    "format_kiosk",
    "format_loop",
    "format_row",
    "loop_script",
    "median_ms",
    "parse_screen",
    "rows_as_dicts",
    "rss_mb",
    "run_bench",
    "run_kiosk_bench",
    "run_loop_bench",
    "run_pool_bench",
]
