"""Order-status and booking-confirmation files in our own CSV and JSON shapes, both directions.

Outbound: ``STATUS_CSV``, ``STATUS_JSON``, ``BOOKING_CSV``, ``BOOKING_JSON`` (writer objects for
``orderport.formats.outbound_registry``). Inbound: ``read_status_file`` / ``read_booking_file``
turn a warehouse's status update or a carrier's booking update into models plus findings
located in the file. Both directions share the published schemas
(``schemas/order_status.schema.json``, ``schemas/booking_confirmation.schema.json``).
"""

from orderport.formats.status_files.readers import (
    BookingFile,
    StatusFile,
    read_booking_file,
    read_status_file,
)
from orderport.formats.status_files.writers import (
    BOOKING_CSV,
    BOOKING_JSON,
    STATUS_CSV,
    STATUS_JSON,
    BookingCsvWriter,
    BookingJsonWriter,
    StatusCsvWriter,
    StatusJsonWriter,
)

__all__ = [
    "BOOKING_CSV",
    "BOOKING_JSON",
    "STATUS_CSV",
    "STATUS_JSON",
    "BookingCsvWriter",
    "BookingFile",
    "BookingJsonWriter",
    "StatusCsvWriter",
    "StatusFile",
    "StatusJsonWriter",
    "read_booking_file",
    "read_status_file",
]
