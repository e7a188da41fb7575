"""Runtime data shipped inside the package, found with ``importlib.resources``.

``orderport/schemas/`` holds the input and result-file schemas the code reads (``schemas/`` at
the repository root stays the published copy; a test keeps the two identical) and
``orderport/sample_files`` the demo's files and sample partner profiles (in a checkout a link
to ``sample_files/``; a wheel carries a copy). Standard library only: ``settings`` uses it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(relative: str) -> Path:
    """The file or folder ``relative`` (``schemas/inputs``) inside the installed package."""
    return Path(str(files("orderport").joinpath(relative)))
