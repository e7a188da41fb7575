"""Load partner profiles from YAML, and explain every problem with file, line and field.

YAML is read with a deliberately small set of implicit types: only ``true``/``false`` and
``null`` are special; every other plain scalar stays text. YAML 1.1 would otherwise turn a SKU
``00123`` into the octal number 83, ``NO`` (Norway) into false and ``2026-03-01`` into a date,
silently. The pydantic model then converts text such as ``"22"`` to numbers where a number is
expected.

Where profiles live: ``profiles_dir()`` is ``$ORDERPORT_PARTNERS`` when set, else ``./partners``
when that directory exists, else the sample profiles shipped in ``sample_files/partners``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from orderport.errors import ConfigurationError
from orderport.partners.errors import LocatedValueError
from orderport.partners.plugins import TransformError, load_transform
from orderport.partners.profile import PartnerProfile, Tier
from orderport.settings import PARTNERS_ENV, profile_files
from orderport.settings import PROFILE_SUFFIXES as PROFILE_SUFFIXES
from orderport.settings import SAMPLE_PROFILES as SAMPLE_PROFILES
from orderport.settings import profiles_dir as profiles_dir

ENV_VAR = PARTNERS_ENV

# Sections holding the partner's own data values, where a key is not a setting name.
_DATA_SECTIONS = frozenset(
    {
        ("mapping", "column_aliases"),
        ("mapping", "value_maps"),
        ("mapping", "sku_xref"),
        ("mapping", "custom_status_codes"),
    }
)
_SECRET_RE = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|token|apikey|pkey)(_|$)"
    r"|private_?key|api_?key|access_?key|client_?secret|secret_?key"
)
_DISCRIMINATORS = ("kind", "convention")

Path_ = tuple[str | int, ...]


class ProfileLoader(yaml.SafeLoader):
    """SafeLoader whose only implicit types are booleans (true/false) and null."""


ProfileLoader.yaml_implicit_resolvers = {}
ProfileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
ProfileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


@dataclass(frozen=True)
class ProfileProblem:
    """One thing wrong with a profile, located in its YAML file (1-based line and column)."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ProfileError(ConfigurationError):
    """A profile (or a directory of them) could not be loaded; ``problems`` says why."""

    def __init__(self, problems: list[ProfileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def dotted(path: Path_) -> str:
    """``("contacts", 0, "email")`` -> ``contacts[0].email``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


class _Document:
    """A composed YAML document: the node tree plus where each value's key sits."""

    def __init__(self, file: str, root: yaml.Node) -> None:
        self.file = file
        self.root = root

    def problem(self, node: yaml.Node, path: Path_, message: str) -> ProfileProblem:
        mark = node.start_mark
        return ProfileProblem(self.file, mark.line + 1, mark.column + 1, dotted(path), message)

    def lines(self) -> dict[Path_, int]:
        found: dict[Path_, int] = {(): self.root.start_mark.line + 1}
        todo: list[tuple[yaml.Node, Path_]] = [(self.root, ())]
        while todo:
            node, path = todo.pop()
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    child = (*path, str(key.value))
                    found[child] = key.start_mark.line + 1
                    todo.append((value, child))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    found[(*path, index)] = item.start_mark.line + 1
                    todo.append((item, (*path, index)))
        return found

    def structural_problems(self) -> list[ProfileProblem]:
        """Duplicate keys (YAML keeps the last silently) and secret-looking keys."""
        problems: list[ProfileProblem] = []
        todo: list[tuple[yaml.Node, Path_]] = [(self.root, ())]
        while todo:
            node, path = todo.pop()
            if isinstance(node, yaml.MappingNode):
                seen: set[str] = set()
                is_data = path in _DATA_SECTIONS or path[:2] == ("mapping", "value_maps")
                for key, value in node.value:
                    name = str(key.value)
                    child = (*path, name)
                    if name in seen:
                        problems.append(self.problem(key, child, f"key {name!r} appears twice"))
                    seen.add(name)
                    normalized = re.sub(r"[^a-z0-9]+", "_", name.lower())
                    if not is_data and _SECRET_RE.search(normalized):
                        problems.append(
                            self.problem(
                                key,
                                child,
                                f"{name!r} looks like a secret; profiles never hold "
                                "secrets: put it in the Airflow Connection (connection_id) "
                                "or the environment (credentials_env)",
                            )
                        )
                    todo.append((value, child))
            elif isinstance(node, yaml.SequenceNode):
                todo.extend((item, (*path, i)) for i, item in enumerate(node.value))
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        return problems

    def locate(self, loc: tuple[str | int, ...]) -> tuple[Path_, yaml.Node]:
        """The profile path and the YAML node (key node where possible) of a pydantic loc."""
        node: yaml.Node = self.root
        anchor: yaml.Node = self.root
        path: Path_ = ()
        for position, part in enumerate(loc):
            if part == "[key]":
                continue
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
                if match is not None:
                    anchor, node = match
                    path = (*path, str(part))
                    continue
                is_tag = any(
                    str(k.value) in _DISCRIMINATORS and str(v.value) == str(part)
                    for k, v in node.value
                )
                if is_tag or (position < len(loc) - 1 and part in _TAGS):
                    continue
                path = (*path, part)
                break
            if (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                anchor = node = node.value[part]
                path = (*path, part)
                continue
            path = (*path, part)
            break
        return path, anchor


_TAGS = frozenset({"folder", "sftp", "imap", "done_marker", "temp_rename", "stable"})


def _message(error: ErrorDetails, path: Path_) -> str:
    kind = error["type"]
    last = path[-1] if path else ""
    if kind == "missing":
        return f"required field {last!r} is missing"
    if kind == "extra_forbidden":
        return f"unknown field {last!r} (check the spelling; see docs/partners.md)"
    message = error["msg"]
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    given = error.get("input")
    if isinstance(given, dict | list):
        return message
    value = repr(given)
    if len(value) > 60:
        value = value[:57] + "..."
    return f"{message} (got {value})"


def _compose(path: Path) -> tuple[_Document | None, Any, list[ProfileProblem]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, None, [ProfileProblem(file, None, None, "", f"not UTF-8 text: {exc}")]
    except OSError as exc:
        return None, None, [ProfileProblem(file, None, None, "", f"cannot read: {exc.strerror}")]
    loader = ProfileLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        reason = exc.problem or exc.context or "invalid YAML"
        return None, None, [ProfileProblem(file, line, column, "", f"invalid YAML: {reason}")]
    finally:
        loader.dispose()
    if node is None:
        return None, None, [ProfileProblem(file, None, None, "", "the file is empty")]
    document = _Document(file, node)
    if not isinstance(node, yaml.MappingNode):
        return None, None, [document.problem(node, (), "a profile must be a YAML mapping")]
    return document, data, []


def _validate(path: Path) -> tuple[PartnerProfile | None, list[ProfileProblem]]:
    document, data, problems = _compose(path)
    if document is None:
        return None, problems
    problems = document.structural_problems()
    secrets = {p.path for p in problems if "secret" in p.message}
    try:
        profile = PartnerProfile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            cause = error.get("ctx", {}).get("error")
            if isinstance(cause, LocatedValueError):
                loc = (*loc, *cause.subpath)
            elif error["type"] == "union_tag_invalid":
                loc = (*loc, str(error.get("ctx", {}).get("discriminator", "")).strip("'"))
            where, node = document.locate(loc)
            if error["type"] == "extra_forbidden" and dotted(where) in secrets:
                continue  # already reported as a secret, more usefully
            problems.append(document.problem(node, where, _message(error, where)))
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        return None, problems
    profile._source = str(path)
    profile._lines = document.lines()
    if profile.id != path.stem:
        node = document.locate(("id",))[1]
        problems.append(
            document.problem(
                node, ("id",), f"id {profile.id!r} must match the file name ({path.stem!r})"
            )
        )
    return (None if problems else profile), problems


def load_profile(path: Path | str) -> PartnerProfile:
    """Load and check one profile; raise ``ProfileError`` listing every problem found."""
    profile, problems = _validate(Path(path))
    if profile is None:
        raise ProfileError(problems)
    return profile


def _plugin_problem(profile: PartnerProfile) -> ProfileProblem | None:
    if profile.tier is not Tier.ADAPTIVE or profile.transform is None:
        return None
    try:
        load_transform(profile.transform.plugin)
    except TransformError as exc:
        return ProfileProblem(
            profile.source or profile.id,
            profile.source_line("transform", "plugin"),
            None,
            "transform.plugin",
            str(exc),
        )
    return None


def _scan(folder: Path) -> tuple[dict[str, PartnerProfile], list[ProfileProblem]]:
    if not folder.is_dir():
        return {}, [ProfileProblem(str(folder), None, None, "", "profile directory does not exist")]
    files = profile_files(folder)
    if not files:
        empty = "no partner profiles (*.yaml) found"
        return {}, [ProfileProblem(str(folder), None, None, "", empty)]
    profiles: dict[str, PartnerProfile] = {}
    problems: list[ProfileProblem] = []
    for file in files:
        profile, found = _validate(file)
        problems.extend(found)
        if profile is None:
            continue
        if profile.id in profiles:
            problems.append(
                ProfileProblem(
                    str(file),
                    profile.source_line("id"),
                    None,
                    "id",
                    f"partner id {profile.id!r} is also defined in {profiles[profile.id].source}",
                )
            )
            continue
        profiles[profile.id] = profile
        plugin = _plugin_problem(profile)
        if plugin is not None:
            problems.append(plugin)
    return profiles, problems


def check_profiles(directory: Path | str | None = None) -> list[ProfileProblem]:
    """Every problem in every profile of ``directory`` (default ``profiles_dir()``).

    Beyond loading, this resolves Adaptive plug-ins, so a missing package shows up here.
    """
    folder = Path(directory) if directory is not None else profiles_dir()
    return _scan(folder)[1]


def load_profiles(directory: Path | str | None = None) -> dict[str, PartnerProfile]:
    """All profiles of ``directory`` (default ``profiles_dir()``) by id.

    Raises ``ProfileError`` when any profile is broken, so a bad profile is never half-applied.
    """
    folder = Path(directory) if directory is not None else profiles_dir()
    profiles, problems = _scan(folder)
    if problems:
        raise ProfileError(problems)
    return profiles


def load_valid_profiles(
    directory: Path | str | None = None,
) -> tuple[dict[str, PartnerProfile], list[ProfileProblem]]:
    """The profiles that load, and the problems of those that do not.

    For callers that serve one partner at a time: a broken profile affects only its partner.
    """
    folder = Path(directory) if directory is not None else profiles_dir()
    profiles, problems = _scan(folder)
    broken = {Path(p.file).resolve() for p in problems}
    good = {
        pid: p
        for pid, p in profiles.items()
        if p.source is None or Path(p.source).resolve() not in broken
    }
    return good, problems


def load_partner_profile(partner: str, directory: Path | str | None = None) -> PartnerProfile:
    """The profile of one partner; only that partner's own problems raise ``ProfileError``.

    Raises ``KeyError`` when no profile (valid or not) has that id.
    """
    folder = Path(directory) if directory is not None else profiles_dir()
    profiles, problems = load_valid_profiles(folder)
    if partner in profiles:
        return profiles[partner]
    own = [p for p in problems if Path(p.file).stem == partner]
    if own:
        raise ProfileError(own)
    raise KeyError(partner)
