"""Partner profiles: channel, formats, onboarding tier (mapping or plug-in), options, outbound.

See docs/partners.md for onboarding at each tier.
"""

from orderport.partners.loading import (
    ProfileError,
    ProfileProblem,
    check_profiles,
    load_partner_profile,
    load_profile,
    load_profiles,
    load_valid_profiles,
    profiles_dir,
)
from orderport.partners.mapping import apply_mapping
from orderport.partners.plugins import ENTRY_POINT_GROUP, TransformError, load_transform
from orderport.partners.profile import (
    FolderChannel,
    ImapChannel,
    Mapping,
    PartnerProfile,
    SftpChannel,
    Tier,
    Transform,
)
from orderport.partners.settings import read_settings

__all__ = [
    "ENTRY_POINT_GROUP",
    "FolderChannel",
    "ImapChannel",
    "Mapping",
    "PartnerProfile",
    "ProfileError",
    "ProfileProblem",
    "SftpChannel",
    "Tier",
    "Transform",
    "TransformError",
    "apply_mapping",
    "check_profiles",
    "load_partner_profile",
    "load_profile",
    "load_profiles",
    "load_transform",
    "load_valid_profiles",
    "profiles_dir",
    "read_settings",
]
