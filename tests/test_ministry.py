"""The defence ministry's budget: figures from the data by the stated rules (and nothing later),
the budget's formula, GDP growth and a debt squeeze through the mechanism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import BASELINE
from laossim.mechanisms import ministry
from laossim.scenario import budgets, load_scenario, override_scenario
from laossim.world import build_world

SHARE = pd.read_csv(budgets.SHARE_FILE)
GDP = pd.read_csv(budgets.GDP_FILE)
GROWTH = pd.read_csv(budgets.GROWTH_FILE)


def _of(table: pd.DataFrame, state: str, column: str) -> pd.Series:
    rows = table[table.iso3 == state]
    return rows.set_index("year")[column]


def test_laos_figures_follow_the_stated_rules():
    """Laos's spending data end in 2013: its 2009-2013 mean share carries forward (flagged); its GDP
    is the 2023 figure grown two years at its 2015-2024 mean growth; its debt the 2024 stock."""
    f = budgets.figures("LAO", 2025)
    share = _of(SHARE, "LAO", "milex_pct_gdp")
    assert f.defence_share == pytest.approx(share.loc[2009:2013].mean() / 100, rel=1e-12)
    growth = _of(GROWTH, "LAO", "gdp_growth_pct").loc[2015:2024].mean() / 100
    assert f.gdp_growth == pytest.approx(growth, rel=1e-12)
    assert f.gdp == pytest.approx(_of(GDP, "LAO", "gdp_current_usd")[2023] / 1e9 * (1 + growth) ** 2, rel=1e-12)
    assert set(f.flags) == {"carried", "projected"}
    assert budgets.figures("LAO", 2016).gdp == pytest.approx(15.91, abs=0.005)  # the data README's check figure
    assert budgets.figures("LAO", 2023).external_debt == pytest.approx(18.06, abs=0.005)  # the README's too
    assert "carried" in budgets.figures("VNM", 2025).flags and "carried" not in budgets.figures("USA", 2025).flags
    assert budgets.figures("JPN", 2025).external_debt == 0 and "not covered" in budgets.figures("JPN", 2025).flags


def test_figures_read_nothing_after_their_year(monkeypatch):
    full = {s: budgets.figures(s, 2012) for s in budgets.states()}
    cut = {name: table[table.index.get_level_values("year") <= 2012] for name, table in budgets.tables().items()}
    budgets.figures.cache_clear()
    monkeypatch.setattr(budgets, "tables", lambda: cut)
    try:
        assert {s: budgets.figures(s, 2012) for s in budgets.states()} == full
    finally:
        budgets.figures.cache_clear()


def test_the_budget_is_the_share_of_gdp_less_the_squeeze_of_debt_service():
    # 2% of 10 bn, less 3% interest on 20 bn (0.6 bn, 6% of GDP): 0.2 x 0.94
    assert budgets.budget(0.02, 10.0, 20.0, 0.03, 1.0) == pytest.approx(0.188)
    assert budgets.budget(0.02, 10.0, 20.0, 0.03, 0.0) == pytest.approx(0.2)
    assert budgets.budget(0.02, 10.0, 1e4, 0.03, 1.0) == 0.0  # never below nothing
    assert budgets.budget(0.02, 0.0, 5.0, 0.03, 1.0) == 0.0  # no economy, no budget


def test_a_file_that_gives_the_figures_overrides_the_data_and_a_state_outside_both_has_none():
    world = build_world(load_scenario(BASELINE))
    lao = world.ids.index("LAO")
    f = budgets.figures("LAO", 2025)
    assert world.gdp[lao] == pytest.approx(f.gdp) and world.defence_budget[lao] == pytest.approx(
        1e3 * budgets.budget(f.defence_share, f.gdp, f.external_debt, 0.03, 1.0)
    )
    given = override_scenario(load_scenario(BASELINE), {"states.LAO.defence_share": 0.01, "states.LAO.gdp": 20})
    assert build_world(given).defence_budget[lao] == pytest.approx(
        1e3 * budgets.budget(0.01, 20, f.external_debt, 0.03, 1)
    )
    from laossim.synthetic import synthetic_scenario

    tiny = build_world(synthetic_scenario(12))
    assert not set(tiny.ids) & set(budgets.states())
    assert (tiny.defence_budget == 0).all() and (tiny.gdp == 0).all()


def test_gdp_grows_a_year_of_growth_in_a_years_steps_and_debt_squeezes_the_budget():
    world = build_world(load_scenario(BASELINE))
    rng = np.random.default_rng(0)
    stepped = world
    for t in range(1, world.steps_per_year + 1):
        stepped, _ = ministry.step(stepped, load_scenario(BASELINE).parameters, rng, t)
    np.testing.assert_allclose(stepped.gdp, world.gdp * (1 + world.gdp_growth), rtol=1e-12)
    lao = world.ids.index("LAO")
    squeezed = override_scenario(load_scenario(BASELINE), {"states.LAO.external_debt": 40})
    assert build_world(squeezed).defence_budget[lao] < world.defence_budget[lao]


def test_a_debt_event_squeezes_the_budget_in_a_run():
    import laossim

    base = load_scenario(BASELINE)
    event = {"at": "2026-Q1", "type": "change", "state": "LAO", "field": "external_debt", "op": "scale", "value": 2}
    doc = base.model_dump(mode="json", exclude_none=True)
    doc["events"] = [*doc["events"], event]
    squeezed = type(base).model_validate(doc)
    before = laossim.run(base, replications=1, steps=8).states
    after = laossim.run(squeezed, replications=1, steps=8).states
    pick = lambda s: s[(s.state == "LAO") & (s.step == 8)].defence_budget.item()  # noqa: E731
    assert pick(after) < pick(before)


def test_the_figures_model_md_quotes_for_laos_are_the_datas():
    from conftest import ROOT

    f = budgets.figures("LAO", 2025)
    gdp_2023 = _of(GDP, "LAO", "gdp_current_usd")[2023] / 1e9
    spent = 1e3 * budgets.budget(f.defence_share, f.gdp, f.external_debt, 0.03, 1.0)
    quoted = (
        f"The baseline's Laos: GDP {f.gdp:.1f} bn in 2025\n(2023's {gdp_2023:.1f} bn grown two years), share "
        f"{100 * f.defence_share:.2f}% (2009-2013), debt {f.external_debt:.1f} bn (2024),\n"
        f"so B = {spent:.1f} US$ m a year"
    )
    assert quoted in (ROOT / "docs" / "model.md").read_text()


def test_the_military_stock_starts_where_procurement_holds_it_and_follows_the_budget():
    """With no growth the stock stays put step after step; more procurement builds it up, toward
    a year's procurement over the depreciation."""
    still = override_scenario(load_scenario(BASELINE), {f"states.{s}.gdp_growth": 0.0 for s in ("LAO", "USA")})
    world, params = build_world(still), still.parameters
    lao, rng = world.ids.index("LAO"), np.random.default_rng(0)
    stepped = world
    for t in range(1, 41):
        stepped, _ = ministry.step(stepped, params, rng, t)
    assert stepped.military_stock[lao] == pytest.approx(world.military_stock[lao], rel=1e-12)
    m = params.ministry
    assert world.military_stock[lao] == pytest.approx(
        m.procurement_share * world.defence_budget[lao] / 1e3 / 4 / (1 - (1 - m.depreciation) ** 0.25), rel=1e-12
    )
    richer = override_scenario(still, {"parameters.ministry.procurement_share": 2 * m.procurement_share})
    built = build_world(still).evolve()
    for t in range(1, 41):
        built, _ = ministry.step(built, richer.parameters, rng, t)
    assert built.military_stock[lao] > 1.5 * world.military_stock[lao]  # ten years toward twice the stock
