"""python -m jtorch SCRIPT [ARGS]: run an unmodified PyTorch script on jtorch."""
from __future__ import annotations

import runpy
import sys

from ._import_hook import install


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m jtorch SCRIPT [ARGS...]\nRuns SCRIPT with `import torch` resolving to jtorch.")
        return 0 if argv else 2
    install()
    sys.argv = list(argv)
    runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
