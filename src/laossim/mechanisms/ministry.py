"""Mechanism 9: the defence ministry's budget, from the economy it is drawn on.

Each step GDP grows at its real growth rate, and the ministry's budget a year is the
defence share of GDP less the squeeze of debt service (:func:`laossim.scenario.budgets.budget`)::

    Y_t+1 = Y_t (1 + g)^(1/s),   B_t = s_d Y_t (1 - psi r D / Y_t),
    K_t+1 = (1 - delta)^(1/s) K_t + pi_P B_t / s

``s_d`` the defence share, ``D`` the external debt stock, ``r`` the interest rate on it
(``ministry.interest_rate``, a judgement) and ``psi`` the squeeze (``ministry.squeeze``).
The figures start from the scenario's file or the data (:func:`laossim.world.economies`);
events may change the growth, the share and the debt (a debt squeeze). Draws nothing.
``K`` is the military stock, capability in absolute units (US$ bn of equipment):
procurement, a share ``pi_P`` of the budget (``ministry.procurement_share``), adds to
it and it wears out at ``delta`` a year (``ministry.depreciation``); a run starts it
where it stays put (:func:`laossim.scenario.budgets.steady_stock`). The budget and the
stock are reported per state and step (``defence_budget``, US$ m a year;
``military_stock``, US$ bn). The budget the ministry planned on, ``E``, starts at B_0 and grows
at the economy's growth when the run began, E_t+1 = E_t (1 + g_0)^(1/s): the engagements its
budget buys follow B_t / E_t (mechanism 3), so a squeeze cuts them and growth as planned does not.
The arms mechanism that follows (:mod:`laossim.mechanisms.arms`, docs/model.md 7b2) buys the
imported part of procurement from suppliers and writes off what cannot be absorbed; what the
stock deters is a term of the crisis hazard.
"""

from __future__ import annotations

import numpy as np

from laossim.batch import along, each
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.budgets import budget
from laossim.scenario.parameters import Parameters
from laossim.world import World

CONTRACT = contract(
    reads="gdp gdp_growth defence_share external_debt military_stock budget_expected growth_expected",
    writes="gdp defence_budget military_stock budget_expected",
)


def on_plan(world: World) -> np.ndarray:
    """(N,): each state's budget over the budget it planned on, B_t / E_t (1 where it has no modelled
    budget): what its own engagement units follow (mechanism 3)."""
    planned = world.budget_expected
    known = planned > 0
    return np.where(known, world.defence_budget / np.where(known, planned, 1.0), 1.0)


def shortfall(world: World, plan: np.ndarray | None = None) -> np.ndarray:
    """(N,): how far each state's budget falls short of the plan, max(1 - B_t / E_t, 0), for a state
    that owes anyone (0 otherwise): the gap its creditors finance a share of, in its engagements (3)
    and its arms imports (7b2). ``plan``: :func:`on_plan` of the same world, when the caller has it."""
    owes = world.debt.sum(axis=-1, dtype=np.float64) > 0
    return np.where(owes, np.maximum(1.0 - (on_plan(world) if plan is None else plan), 0.0), 0.0)


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Grow GDP by a step of its growth and work out this step's budget."""
    m = params.ministry
    gdp = world.gdp * np.power(1.0 + world.gdp_growth, 1.0 / world.steps_per_year)
    rate, squeeze = along(m.interest_rate, gdp), along(m.squeeze, gdp)
    spent = budget(world.defence_share, gdp, world.external_debt, rate, squeeze)
    spy = world.steps_per_year
    kept = each(lambda d: (1.0 - d) ** (1.0 / spy), m.depreciation)
    bought = along(m.procurement_share, spent) * spent / spy
    stock = along(kept, world.military_stock) * world.military_stock + bought
    planned = world.budget_expected * np.power(1.0 + world.growth_expected, 1.0 / spy)
    return world.evolve(gdp=gdp, defence_budget=1e3 * spent, military_stock=stock, budget_expected=planned), NONE
