"""Our identity per partner and standard: who we are on every envelope we send that partner.

The profile's ``edi.our_x12_*`` / ``edi.our_edifact_*`` keys decide when set. Otherwise we are
who the partner last addressed (ISA08/ISA07 + GS03 of their X12, UNB 0010/0007 of their
EDIFACT, recorded when their interchange is answered), and before any inbound interchange the
process-wide ``ORDERPORT_EDI_ID`` / ``ORDERPORT_EDI_QUALIFIER``. Acknowledgments, status files
and booking confirmations all ask here, so a partner sees one sender per standard.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from orderport.formats.outbound import EdiParty
from orderport.partners.profile import EdiIdentity
from orderport.settings import edi_identity
from orderport.store.control_numbers import Envelope
from orderport.store.tables import addressed_identities


def configured_party(edi: EdiIdentity | None, envelope: Envelope) -> EdiParty | None:
    """Our identity as the partner's profile names it, or None when it names none."""
    if edi is None:
        return None
    if envelope is Envelope.X12:
        if not edi.our_x12_id:
            return None
        return EdiParty(edi.our_x12_id, edi.our_x12_qualifier or "ZZ", edi.our_x12_application_id)
    if not edi.our_edifact_id:
        return None
    return EdiParty(edi.our_edifact_id, edi.our_edifact_qualifier or "ZZ")


def record_addressed(
    conn: Connection, partner_id: str, envelope: Envelope, party: EdiParty, now: datetime
) -> None:
    """Remember how the partner addressed us (the default identity for what we send them)."""
    insert: postgresql.Insert | sqlite.Insert
    insert = (
        postgresql.insert(addressed_identities)
        if conn.dialect.name == "postgresql"
        else sqlite.insert(addressed_identities)
    )
    values = {
        "interchange_id": party.interchange_id,
        "qualifier": party.qualifier,
        "application_id": party.application_id,
        "updated_at": now,
    }
    statement = insert.values(partner_id=partner_id, standard=envelope.value, **values)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[addressed_identities.c.partner_id, addressed_identities.c.standard],
            set_=values,
        )
    )


def our_party(
    conn: Connection, partner_id: str, edi: EdiIdentity | None, envelope: Envelope
) -> EdiParty:
    """Who we are on a ``envelope`` document to ``partner_id`` (see the module docstring)."""
    configured = configured_party(edi, envelope)
    if configured is not None:
        return configured
    row = conn.execute(
        select(addressed_identities).where(
            addressed_identities.c.partner_id == partner_id,
            addressed_identities.c.standard == envelope.value,
        )
    ).first()
    if row is not None:
        return EdiParty(row.interchange_id, row.qualifier, row.application_id)
    us = edi_identity()
    return EdiParty(us.interchange_id, us.qualifier)
