"""Entry point of the Motia Python worker: the runtime starts ``python3 motia_worker.py`` and speaks
the worker protocol with it over stdin/stdout (docs/languages/protocol.md)."""

import os
import sys

if sys.version_info < (3, 10):
    sys.stderr.write(f"Python steps need Python 3.10 or newer; {sys.executable} is Python {sys.version.split()[0]}\n")
    sys.exit(3)

# Explicit, so that isolated mode (-I) and a project's own `motia` package cannot shadow the SDK.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from motia._worker import main  # noqa: E402

main()
