"""The commands of ``live``, one module each, beside the runtime (they import it, never the
other way, and no command is built out of another).

Each module has ``NAME``, ``add_parser(subparsers)`` and ``run(args) -> int``; :data:`COMMANDS`
lists them in the order ``live --help`` shows them. A new command is one module and one entry.
"""

from live.commands import bench, config, demo, eval, fit, gallery, render, run, soak, track

COMMANDS = (run, soak, demo, fit, render, bench, track, eval, gallery, config)

__all__ = ["COMMANDS"]
