"""Hypothesis strategies for tiers: on-call rotations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from sla.tiers import RotationSpec

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

clock_times = st.builds(
    lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 45])
)


@st.composite
def windows(draw: st.DrawFn) -> str:
    start, end = draw(clock_times), draw(clock_times)
    if draw(st.booleans()):
        if start == end:
            end = "24:00" if start == "00:00" else "00:00"
        return f"{start}-{end}"
    return f"{draw(st.sampled_from(DAYS))} {start}-{draw(st.sampled_from(DAYS))} {end}"


@st.composite
def rotations(draw: st.DrawFn) -> RotationSpec:
    tz = draw(st.sampled_from(ZONES))
    layers = []
    for i in range(draw(st.integers(1, 3))):
        every = draw(st.sampled_from(["day", "week"]))
        handoff = draw(clock_times)
        if every == "week" and draw(st.booleans()):
            handoff = f"{draw(st.sampled_from(DAYS))} {handoff}"
        layers.append(
            {
                "name": f"L{i}",
                "participants": [f"p{i}{j}" for j in range(draw(st.integers(1, 3)))],
                "tz": draw(st.sampled_from(ZONES)),
                "start": date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 60))),
                "every": every,
                "length": draw(st.integers(1, 2)),
                "handoff": handoff,
                "windows": draw(st.lists(windows(), max_size=2)),
            }
        )
    overrides = []
    for k in range(draw(st.integers(0, 2))):
        if draw(st.booleans()):
            day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
            overrides.append({"date": day, "who": f"o{k}", "reason": "holiday"})
            continue
        start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(
            minutes=15 * draw(st.integers(0, 20_000))
        )
        end = start + timedelta(minutes=15 * draw(st.integers(1, 400)))
        overrides.append({"start": start, "end": end, "who": f"o{k}", "reason": "swap"})
    return RotationSpec.model_validate({"tz": tz, "layers": layers, "overrides": overrides})


instants = st.builds(
    lambda minutes: datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes),
    st.integers(0, 365 * 24 * 60),
)
