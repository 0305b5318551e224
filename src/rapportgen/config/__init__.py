"""Configuration: the organisation profile (rapportgen.yaml), its schema and how it is found.

    from rapportgen.config import Profil, load_profile, profile_for
"""

from .profil import (PROFILE_NAMES, AvsnittInstallning, Formatinstallningar, Konvertering, Profil,
                     find_profile, load_profile, profile_for)

__all__ = ["PROFILE_NAMES", "AvsnittInstallning", "Formatinstallningar", "Konvertering", "Profil",
           "find_profile", "load_profile", "profile_for"]
