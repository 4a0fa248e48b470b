"""Fuzzing profiles: `ci` (the default, bounded so that `make test` stays fast) and `long` for a local soak.

    HYPOTHESIS_PROFILE=long .venv/bin/pytest -p no:xdist tests/fuzz

Every example also runs under a generous wall-clock limit (`bounded`), so that a parser whose cost grows
with its input (a 1e1200000 exponent, say) fails the run instead of stalling it.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

_COMMON = {"suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow], "derandomize": False}
settings.register_profile("ci", max_examples=120, deadline=timedelta(seconds=5), print_blob=True, **_COMMON)
settings.register_profile("long", max_examples=5000, deadline=timedelta(seconds=10), print_blob=True, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
