"""Helpers for the outbound-EDI tests (envelopes read back, partners that trade both standards)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/: edi_validator
