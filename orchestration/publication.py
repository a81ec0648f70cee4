"""What orchestration/reports.py imports from here until it moves to orchestration/defs/reports."""

from orchestration.defs.serving.assets import SERVING_ASSET_KEY
from orchestration.lib.serving import PUBLICATION_TABLE

__all__ = ["PUBLICATION_TABLE", "SERVING_ASSET_KEY"]
