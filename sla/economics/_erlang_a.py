"""Erlang A (M/M/n+M, Palm's queue with exponential patience), exactly.

With traffic ``a = lambda * AHT``, ``r = patience / AHT``, ``x = n r`` and
``y = a r`` (Garnett, Mandelbaum and Reiman 2002; Mandelbaum and Zeltyn 2007):

* ``A(x, y) = x e^y y^-x gamma(x, y)`` sums the queue states relative to state n;
* ``P(wait) = A B / (1 + (A - 1) B)`` with ``B`` the Erlang B of (n, a);
* ``P(served | wait) = G(y) / A`` where ``G(z) = x e^y y^-(x+1) gamma(x + 1, z)``;
* ``P(served and 0 < wait <= t) = pi_n (G(y) - G(y e^(-t / patience)))``, which
  follows from the offered-wait density ``n mu e^(-n mu s) e^(y (1 - e^(-theta s)))``
  of a caller who must wait;
* mean wait of all callers ``E[W] = P(abandon) * patience`` (Little's law);
* mean wait of *answered* callers (the ASA a report measures): the served
  part of that density, ``pi_n n mu e^(-(n mu + theta) s) e^(y (1 - e^(-theta s)))``,
  times ``s``, integrated numerically and divided by ``P(served)``.

Every quantity is carried as a logarithm until it is a probability (<= 1),
with the lower/upper incomplete gamma functions computed by their series or
continued fraction (Numerical Recipes 6.2) in log space, so thousands of
agents neither overflow nor lose the answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

import attrs
import numpy as np

from sla._errors import EconomicsError

__all__ = ["ErlangA", "erlang_a", "log_incomplete_gamma"]

_EPS: Final = 1e-17
_TINY: Final = 1e-300
_MAX_ITER: Final = 10_000_000
#: Quadrature of the answered wait: Simpson nodes and the log window kept.
_NODES: Final = 4001
_WINDOW: Final = 45.0


def log_incomplete_gamma(s: float, z: float) -> tuple[float, float]:
    """``(log gamma(s, z), log Gamma(s, z))``: lower and upper incomplete gamma, s > 0."""
    lg = math.lgamma(s)
    if z <= 0.0:
        return -math.inf, lg
    log_prefix = s * math.log(z) - z
    if z < s + 1.0:
        term = 1.0 / s
        total = term
        k = 0
        while k < _MAX_ITER:
            k += 1
            term *= z / (s + k)
            total += term
            if term < total * _EPS:
                break
        log_lower = log_prefix + math.log(total)
        p = math.exp(log_lower - lg)
        log_upper = lg + math.log1p(-p) if p < 1.0 else -math.inf
        return log_lower, log_upper
    # Modified Lentz evaluation of the continued fraction for Gamma(s, z).
    b = z + 1.0 - s
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    i = 0
    while i < _MAX_ITER:
        i += 1
        an = -i * (i - s)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    log_upper = log_prefix + math.log(h)
    q = math.exp(log_upper - lg)
    log_lower = lg + math.log1p(-q) if q < 1.0 else -math.inf
    return log_lower, log_upper


def _logaddexp(u: float, v: float) -> float:
    if u == -math.inf:
        return v
    if v == -math.inf:
        return u
    m = max(u, v)
    return m + math.log(math.exp(u - m) + math.exp(v - m))


@attrs.frozen(slots=True)
class ErlangA:
    """Steady-state figures of an Erlang A queue for one number of agents."""

    agents: int
    traffic: float
    wait_probability: float
    abandon_probability: float
    #: ``log pi_n`` and ``log G(y)``: kept to evaluate service levels for any ``t``.
    log_pi_n: float
    log_g_y: float
    #: ``x``, ``y`` and ``patience / AHT`` of the Mandelbaum-Zeltyn formulas.
    x: float
    y: float
    patience_over_aht: float

    def answered_within(self, within_over_aht: float) -> float:
        """Share of *all offered* callers answered within ``t`` (``t`` in AHT units)."""
        if self.traffic == 0.0:
            return 1.0
        if self.agents == 0:
            return 0.0
        z = self.y * math.exp(-within_over_aht / self.patience_over_aht)
        lower, _ = log_incomplete_gamma(self.x + 1.0, z)
        log_g_z = math.log(self.x) + self.y - (self.x + 1.0) * math.log(self.y) + lower
        served_late = math.exp(self.log_pi_n + self.log_g_y) - math.exp(self.log_pi_n + log_g_z)
        return min(1.0, max(0.0, 1.0 - self.wait_probability + served_late))

    def answered_within_among_served(self, within_over_aht: float) -> float:
        """Share of *served* callers answered within ``t``."""
        served = 1.0 - self.abandon_probability
        if served <= 0.0:
            return 0.0
        return min(1.0, self.answered_within(within_over_aht) / served)

    @property
    def occupancy(self) -> float:
        """Share of agent time busy: served traffic / agents (1.0 with no agents)."""
        if self.agents == 0:
            return 1.0 if self.traffic > 0 else 0.0
        return min(1.0, self.traffic * (1.0 - self.abandon_probability) / self.agents)

    @property
    def mean_wait_over_aht(self) -> float:
        """Mean wait of all offered callers (served or not), in AHT units."""
        return self.abandon_probability * self.patience_over_aht

    @property
    def answered_wait_over_aht(self) -> float:
        """Mean wait of *answered* callers (the ASA of reports), in AHT units.

        Integrates ``s`` times the served-wait density of the module docstring.
        ``log(s h(s))`` is concave in ``s``, so the integral runs over the one
        window around its peak where it is within ``e^-45`` of the top, in log
        space: stable from light load to deep overload and thousands of agents.
        ``inf`` with no agents (no caller is ever answered).
        """
        served = 1.0 - self.abandon_probability
        if self.traffic == 0.0:
            return 0.0
        if self.agents == 0 or served <= 0.0:
            return math.inf  # nobody is answered: no speed of answer, and no target is met
        n, r, y = float(self.agents), self.patience_over_aht, self.y
        k = n + 1.0 / r

        def log_sh(s: float) -> float:
            return -k * s - y * math.expm1(-s / r) + math.log(s)

        def slope(s: float) -> float:
            return 1.0 / s - k + (y / r) * math.exp(-s / r)

        hi = 1.0 / k
        while slope(hi) > 0.0:
            hi *= 2.0
        lo = 0.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if slope(mid) > 0.0:
                lo = mid
            else:
                hi = mid
        peak = 0.5 * (lo + hi)
        top = log_sh(peak)
        left, right = _edge(log_sh, top, peak, 0.0), peak + max(peak, 1.0 / k)
        while log_sh(right) > top - _WINDOW:
            right = peak + 2.0 * (right - peak)
        grid = np.linspace(left, right, _NODES)
        s = np.maximum(grid, 1e-300)
        values = np.exp(-k * s - y * np.expm1(-s / r) + np.log(s) - top)
        weights = np.ones(_NODES)
        weights[1:-1:2] = 4.0
        weights[2:-1:2] = 2.0
        integral = float(weights @ values) * (right - left) / (3.0 * (_NODES - 1))
        if integral <= 0.0:
            return 0.0
        log_served_wait = self.log_pi_n + math.log(n) + top + math.log(integral)
        return math.exp(log_served_wait) / served


def _edge(f: Callable[[float], float], top: float, peak: float, floor: float) -> float:
    """The point left of ``peak`` where the concave ``f`` falls ``_WINDOW`` below ``top``."""
    a, b = floor, peak
    if a <= 0.0:
        a = peak * 1e-12
    if f(a) >= top - _WINDOW:
        return floor
    for _ in range(100):
        mid = 0.5 * (a + b)
        if f(mid) < top - _WINDOW:
            a = mid
        else:
            b = mid
    return a


def erlang_a(agents: int, traffic: float, patience_over_aht: float) -> ErlangA:
    """Erlang A for ``agents``, ``traffic`` Erlangs and mean patience / AHT."""
    if not (patience_over_aht > 0 and math.isfinite(patience_over_aht)):
        raise EconomicsError("patience must be positive and finite", field="patience")
    n, a, r = agents, traffic, patience_over_aht
    if a == 0.0:
        return ErlangA(n, a, 0.0, 0.0, -math.inf, -math.inf, n * r, 0.0, r)
    if n == 0:
        return ErlangA(0, a, 1.0, 1.0, 0.0, -math.inf, 0.0, a * r, r)
    x, y = n * r, a * r
    # log Erlang B = log Poisson pmf(n; a) - log Poisson cdf(n; a).
    _, log_upper = log_incomplete_gamma(n + 1.0, a)
    log_b = n * math.log(a) - a - log_upper
    log_b = min(log_b, 0.0)
    low_x, _ = log_incomplete_gamma(x, y)
    log_a = math.log(x) + y - x * math.log(y) + low_x
    low_x1, _ = log_incomplete_gamma(x + 1.0, y)
    log_g_y = math.log(x) + y - (x + 1.0) * math.log(y) + low_x1
    one_minus_b = -math.expm1(log_b)
    log_norm = _logaddexp(math.log(one_minus_b) if one_minus_b > 0 else -math.inf, log_a + log_b)
    log_pi_n = log_b - log_norm
    p_wait = min(1.0, math.exp(log_pi_n + log_a))
    served_given_wait = min(1.0, math.exp(log_g_y - log_a))
    p_ab = max(0.0, p_wait * (1.0 - served_given_wait))
    return ErlangA(n, a, p_wait, p_ab, log_pi_n, log_g_y, x, y, r)


def required_agents_a(
    traffic: float,
    patience_over_aht: float,
    *,
    within_over_aht: float | None = None,
    service_level: float | None = None,
    among: str = "offered",
    max_abandon: float | None = None,
    max_answered_wait_over_aht: float | None = None,
    max_occupancy: float | None = None,
) -> tuple[int, ErlangA, list[str]]:
    """The smallest agents meeting every target under Erlang A.

    Impatient callers leave, so fewer agents than the load may do: the search
    starts at zero, gallops upward and then bisects (the figures are monotone
    in the number of agents).
    """
    a, r = traffic, patience_over_aht

    def ok(n: int) -> tuple[bool, ErlangA]:
        q = erlang_a(n, a, r)
        good = True
        if service_level is not None and within_over_aht is not None:
            level = (
                q.answered_within(within_over_aht)
                if among == "offered"
                else q.answered_within_among_served(within_over_aht)
            )
            good = level >= service_level
        if good and max_abandon is not None:
            good = q.abandon_probability <= max_abandon
        if good and max_answered_wait_over_aht is not None:
            good = q.answered_wait_over_aht <= max_answered_wait_over_aht
        if good and max_occupancy is not None:
            good = q.occupancy <= max_occupancy
        return good, q

    steps: list[str] = []
    good, q = ok(0)
    if good:
        return 0, q, ["n=0 already meets every target"]
    lo, hi = 0, max(1, math.floor(a))
    stride = max(1, math.ceil(math.sqrt(a)))
    good, q = ok(hi)
    limit = a + 1000.0 * math.sqrt(a) + 10_000
    while not good:
        steps.append(f"n={hi}: targets not met")
        lo, hi = hi, hi + stride
        stride *= 2
        if hi > limit:
            raise EconomicsError("no number of agents meets these targets", field="targets")
        good, q = ok(hi)
    best = q
    while hi - lo > 1:
        mid = (lo + hi) // 2
        good, q = ok(mid)
        steps.append(f"n={mid}: targets {'met' if good else 'not met'}")
        if good:
            hi, best = mid, q
        else:
            lo = mid
    steps.append(f"smallest n meeting every target: {hi}")
    return hi, best, steps
