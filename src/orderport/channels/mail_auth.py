"""Who sent a partner's mail: the sender allow-list and Authentication-Results (RFC 8601).

A ``From`` header is trivially forged, so a partner can be required to pass DMARC and/or DKIM as
judged by *our* receiving mail server. Only Authentication-Results headers carrying one of our
own authserv-ids count: a sender can add any header it likes, but our MTA strips or prefixes
its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses


@dataclass(frozen=True)
class AuthResult:
    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)


def _strip_comments(value: str) -> str:
    out: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for ch in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(ch)
            continue
        if ch == "\\":
            escaped = True
            if depth == 0:
                out.append(ch)
            continue
        if ch == '"' and depth == 0:
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            continue
        elif not quoted and ch == ")" and depth:
            depth -= 1
            continue
        if depth == 0:
            out.append(ch)
    return "".join(out)


def parse_authentication_results(value: str) -> tuple[str, list[AuthResult]]:
    """Split one header into its authserv-id and results; unparseable pieces are dropped."""
    pieces = [p.strip() for p in _strip_comments(value).split(";")]
    authserv = pieces[0].split()[0].lower() if pieces and pieces[0].split() else ""
    results: list[AuthResult] = []
    for piece in pieces[1:]:
        tokens = piece.split()
        if not tokens or "=" not in tokens[0]:
            continue
        method, _, result = tokens[0].partition("=")
        props: dict[str, str] = {}
        for token in tokens[1:]:
            key, eq, val = token.partition("=")
            if eq and "." in key:
                props[key.lower()] = val.strip('"').lower()
        results.append(AuthResult(method.split("/")[0].lower(), result.lower(), props))
    return authserv, results


def trusted_results(msg: EmailMessage, authserv_ids: tuple[str, ...]) -> list[AuthResult]:
    wanted = {a.lower() for a in authserv_ids}
    found: list[AuthResult] = []
    for header in msg.get_all("Authentication-Results", []):
        authserv, results = parse_authentication_results(str(header))
        if authserv in wanted:
            found.extend(results)
    return found


def sender_address(msg: EmailMessage) -> str | None:
    """The single From address, lower-cased; None when there is not exactly one."""
    values = [str(v) for v in msg.get_all("From", [])]
    addresses = [addr for _, addr in getaddresses(values) if addr]
    if len(values) != 1 or len(addresses) != 1 or "@" not in addresses[0]:
        return None
    return addresses[0].lower()


def sender_allowed(address: str, allowed: tuple[str, ...]) -> bool:
    """Entries are full addresses (``orders@acme.example``) or domains (``@acme.example``)."""
    domain = address.rsplit("@", 1)[1]
    for entry in allowed:
        entry = entry.lower()
        if entry.startswith("@") and domain == entry[1:]:
            return True
        if entry == address:
            return True
    return False


def _aligned(from_domain: str, domain: str) -> bool:
    return from_domain == domain or from_domain.endswith("." + domain)


def auth_failures(
    msg: EmailMessage,
    from_domain: str,
    authserv_ids: tuple[str, ...],
    require_dmarc: bool,
    require_dkim: bool,
) -> list[str]:
    """Reasons the message fails the partner's authentication requirements (empty: passes)."""
    results = trusted_results(msg, authserv_ids) if (require_dmarc or require_dkim) else []
    reasons: list[str] = []
    if require_dmarc and not any(
        r.method == "dmarc"
        and r.result == "pass"
        and _aligned(from_domain, r.properties.get("header.from", from_domain))
        for r in results
    ):
        reasons.append("no DMARC pass for the From domain from a trusted authserv-id")
    if require_dkim and not any(
        r.method == "dkim"
        and r.result == "pass"
        and _aligned(from_domain, r.properties.get("header.d", "").lstrip("@"))
        for r in results
    ):
        reasons.append("no aligned DKIM pass from a trusted authserv-id")
    return reasons
