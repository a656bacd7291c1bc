"""xlplan: run a municipal digitalization plan (デジタル化推進計画) in Excel, properly.

The package is layered: `core` (pure domain), `io` (workbook adapters), `app` (use cases)
and `cli` (click commands). `xlplan_validators` holds the pandera sheet schemas.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
