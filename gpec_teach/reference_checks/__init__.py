"""Checks against the field's reference tools: our numbers beside theirs.

The reference cases are published test inputs with expected outputs of Circuitscape.jl
and Omniscape.jl (their own test suites), FRAGSTATS (via landscapemetrics) and
Makurhini (R). They carry their own licences, so they are read **in place** from a
folder outside this repository (``../shared/reference`` next to the repository, or
``$GPEC_REFERENCE_DIR``), never copied.

One module per tool: :mod:`.circuitscape`, :mod:`.omniscape`, :mod:`.makurhini`,
:mod:`.fragstats` and :mod:`.linkage_mapper` (least-cost distances); :mod:`.sources`
finds the folders and holds :data:`PUBLISHED`, the headline expected values quoted from
the sources, so the book can state them even where the folder is absent.

Each ``*_table`` function runs ``gpec_teach`` on the reference inputs and returns a tidy
table with the reference value, ours, the difference and whether they agree under the
reference tool's own tolerance. The test suite (``tests/test_circuitscape_reference.py``,
``tests/test_reference_*.py``) asserts the same comparisons case by case; the validation
appendix of the book shows these tables. (Input checks of the package's own functions
are a different thing and live in ``gpec_teach._validation``.)
"""

from __future__ import annotations

from .circuitscape import (
    CIRCUITSCAPE_RESISTANCE_TOL,
    CIRCUITSCAPE_SSD_TOL,
    circuitscape_jl_writes,
    circuitscape_table,
    compare_circuitscape_output,
)
from .fragstats import FRAGSTATS_HALF_UNIT, fragstats_agrees, fragstats_table, read_fragstats
from .linkage_mapper import least_cost_table
from .makurhini import MakurhiniConventions, makurhini_conventions, makurhini_table
from .omniscape import OMNISCAPE_RTOL, compare_omniscape_output, omniscape_table
from .sources import PUBLISHED, published_values, realdata_dir, reference_dir

__all__ = [
    "PUBLISHED",
    "reference_dir",
    "realdata_dir",
    "published_values",
    "CIRCUITSCAPE_RESISTANCE_TOL",
    "CIRCUITSCAPE_SSD_TOL",
    "compare_circuitscape_output",
    "circuitscape_jl_writes",
    "circuitscape_table",
    "OMNISCAPE_RTOL",
    "compare_omniscape_output",
    "omniscape_table",
    "MakurhiniConventions",
    "makurhini_table",
    "makurhini_conventions",
    "FRAGSTATS_HALF_UNIT",
    "read_fragstats",
    "fragstats_agrees",
    "fragstats_table",
    "least_cost_table",
]
