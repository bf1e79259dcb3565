"""Hypothesis strategies for call-center economics."""

from __future__ import annotations

from hypothesis import strategies as st

traffic = st.floats(min_value=0.05, max_value=2000.0, allow_nan=False)
small_traffic = st.floats(min_value=0.05, max_value=60.0, allow_nan=False)
targets = st.floats(min_value=0.05, max_value=0.99)
within_over_aht = st.floats(min_value=0.001, max_value=3.0)
patience_over_aht = st.floats(min_value=0.05, max_value=20.0)
