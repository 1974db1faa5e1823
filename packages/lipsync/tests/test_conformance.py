"""ttv-lipsync passes the lipsync slot's conformance kit."""

from ttv_contracts.testing import kit
from ttv_lipsync import VisemeLipSync


class TestVisemeConformance(kit.LipSyncConformance):
    implementation_class = VisemeLipSync
