"""Channels: how partner files come in (folder, SFTP, IMAP) and how answers go out."""

from orderport.channels.base import (
    Candidate,
    Channel,
    ChannelError,
    ChannelRefused,
    Claimed,
    Completeness,
    CompletenessSettings,
    Fetched,
    TransportError,
)
from orderport.channels.folder import FolderChannel, FolderSettings
from orderport.channels.imap import ImapChannel, ImapSettings, SeenStore
from orderport.channels.names import safe_display_name
from orderport.channels.sftp import SftpChannel, SftpKey, SftpSettings
from orderport.channels.smtp import Attachment, SmtpSender, SmtpSettings

__all__ = [
    "Attachment",
    "Candidate",
    "Channel",
    "ChannelError",
    "ChannelRefused",
    "Claimed",
    "Completeness",
    "CompletenessSettings",
    "Fetched",
    "FolderChannel",
    "FolderSettings",
    "ImapChannel",
    "ImapSettings",
    "SeenStore",
    "SftpChannel",
    "SftpKey",
    "SftpSettings",
    "SmtpSender",
    "SmtpSettings",
    "TransportError",
    "safe_display_name",
]
