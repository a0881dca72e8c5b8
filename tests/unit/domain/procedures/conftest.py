"""Procedure tests reuse the dossier test support (procedures, citizens, instants)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dossiers"))

from dossier_support import citizen, khai_sinh, submitted  # noqa: E402, F401
