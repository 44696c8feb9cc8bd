"""The documented events of 2000-2023 that the backtest scenario schedules, each with its source.

Only what the model can represent is here: disasters, crises between two of
the nine states, changes of a pair's trust, the founding of the ADMM and the
ADMM-Plus, and ASEAN chair terms. Dates are the sources'; each event falls
in the quarter it happened. Magnitudes are not in the sources: they follow
one fixed rule per kind of event (:data:`SEVERITY`, :data:`TRUST_STEP`),
written down and committed before any calibration, and never tuned while
looking at 2017-2023. An event in the hold-out years is part of the scenario
an analyst would have written, not a fitted quantity.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITY: dict[str, float] = {
    "catastrophic disaster": 0.8,  # tens of thousands dead or more
    "severe disaster": 0.5,  # thousands dead, or a declared national crisis
    "standoff": 0.4,  # forces face each other; no deaths in combat
    "fighting": 0.6,  # armed clashes with deaths, or sanctions over a use of force
    "war": 0.8,  # sanctions and arms for the other side of a war
}
"""Severity in (0, 1] of each class of disaster or crisis."""

TRUST_STEP = 0.1
"""Trust change of a pair for one diplomatic step: minus after a coup the USA answers by
suspending aid or by sanctions, plus for a normalisation (first visit of a sitting
president with a partnership, or an embargo lifted)."""


@dataclass(frozen=True)
class Historical:
    """One scheduled event: its quarter, its fields in the scenario file, what happened, where from."""

    at: str
    fields: dict[str, object]
    note: str
    source: str


def _disaster(at: str, state: str, kind: str, note: str, source: str) -> Historical:
    return Historical(at, {"type": "disaster", "state": state, "severity": SEVERITY[kind]}, note, source)


def _crisis(at: str, pair: tuple[str, str], kind: str, note: str, source: str) -> Historical:
    return Historical(at, {"type": "crisis", "between": list(pair), "severity": SEVERITY[kind]}, note, source)


def _trust(at: str, pair: tuple[str, str], sign: int, note: str, source: str) -> Historical:
    fields = {"type": "change", "between": list(pair), "field": "trust", "op": "add", "value": sign * TRUST_STEP}
    return Historical(at, fields, note, source)


def _chair(at: str, forum: str, state: str, note: str, source: str) -> Historical:
    return Historical(at, {"type": "chair", "forum": forum, "state": state, "steps": 4}, note, source)


ADMM_FOUNDED = Historical(
    "2006-Q2",
    {},
    "Inaugural ASEAN Defence Ministers' Meeting, Kuala Lumpur, 9 May 2006; annual since",
    "https://asean.org/joint-press-release-of-the-inaugural-asean-defence-ministers-meeting-kuala-lumpur/",
)
ADMM_PLUS_FOUNDED = Historical(
    "2010-Q4",
    {},
    "Inaugural ADMM-Plus, Ha Noi, 12 October 2010; every three years at first, every two from 2013, annual since 2017",
    "https://admm.asean.org/index.php/about-admm/about-admm-plus.html",
)
ADMM_PLUS_PERIOD = 8
"""Steps between ADMM-Plus meetings up to 2016 (the biennial interval agreed in 2012); the yearly
meetings from 2017 are the biennial ones plus a summit in each odd year."""

_ADMM_2012 = "http://admm.asean.org/index.php/events/current-calendar-year/40-news/asean-secretariat-news/217-the-6th-asean-defence-ministers-meeting.html"

_EVENTS: tuple[Historical, ...] = (
    _chair(
        "2004-Q1",
        "ASEAN",
        "LAO",
        "Laos chairs ASEAN; 10th ASEAN Summit, Vientiane, 29 November 2004",
        "https://admm.asean.org/index.php/about-admm/about-admm/establishment.html",
    ),
    _disaster(
        "2004-Q4",
        "THA",
        "severe disaster",
        "Indian Ocean tsunami, 26 December 2004: about 5,400 dead in Thailand",
        "https://en.wikipedia.org/wiki/Effect_of_the_2004_Indian_Ocean_earthquake_on_Thailand",
    ),
    _trust(
        "2006-Q3",
        ("THA", "USA"),
        -1,
        "Military coup in Thailand, September 2006; the USA suspends military programmes for a year and a half",
        "https://hngn.com/articles/32123/20140523/u-s-suspends-thailand-aid-after-military-coup.htm",
    ),
    _disaster(
        "2008-Q2",
        "MMR",
        "catastrophic disaster",
        "Cyclone Nargis, 2 May 2008: at least 138,373 dead",
        "https://en.wikipedia.org/wiki/Cyclone_Nargis",
    ),
    _crisis(
        "2008-Q4",
        ("KHM", "THA"),
        "fighting",
        "Clashes near Preah Vihear, October 2008: soldiers of both sides killed",
        "https://factsanddetails.com/southeast-asia/Cambodia/sub5_2d/entry-2913.html",
    ),
    _chair(
        "2010-Q1",
        "ASEAN",
        "VNM",
        "Viet Nam chairs ASEAN in 2010",
        "https://en.vietnamplus.vn/regions-defence-ministers-meet-with-partners/23213.vnp",
    ),
    _chair(
        "2010-Q1",
        "ADMM",
        "VNM",
        "Viet Nam hosts the 4th ADMM as ASEAN chair in 2010",
        "https://en.qdnd.vn/military/intl-relations-and-cooperation/defense-cooperation-within-asean-for-regional-peace-and-stability-485957",
    ),
    _crisis(
        "2011-Q1",
        ("KHM", "THA"),
        "fighting",
        "Four days of shelling at Preah Vihear, February 2011: soldiers and civilians killed",
        "https://thetech.com/2011/02/08/long3-v131-n3",
    ),
    _disaster(
        "2011-Q1",
        "JPN",
        "catastrophic disaster",
        "Tohoku earthquake and tsunami, 11 March 2011: about 20,000 dead or missing",
        "https://sms-tsunami-warning.com/pages/tsunami-japan-2011",
    ),
    _chair("2012-Q1", "ASEAN", "KHM", "Cambodia chairs ASEAN in 2012", _ADMM_2012),
    _chair("2012-Q1", "ADMM", "KHM", "6th ADMM, Phnom Penh, 29 May 2012, under Cambodia's chairmanship", _ADMM_2012),
    _trust(
        "2012-Q4",
        ("MMR", "USA"),
        1,
        "First visit of a sitting US president to Myanmar, 19 November 2012, after its reforms of 2011",
        "https://www.domain-b.com/economy/worldeconomy/20121120_barack_obama.html",
    ),
    _crisis(
        "2014-Q1",
        ("RUS", "USA"),
        "fighting",
        "Russia annexes Crimea, March 2014; US sanctions from 17 March",
        "https://www.lexology.com/library/detail.aspx?g=f4e636cc-ab2e-4b83-87ab-16c07aa7fb53",
    ),
    _crisis(
        "2014-Q2",
        ("CHN", "VNM"),
        "standoff",
        "Hai Yang Shi You 981 oil rig standoff near the Paracels, May-July 2014",
        "https://en.wikipedia.org/wiki/Hai_Yang_Shi_You_981_standoff",
    ),
    _trust(
        "2014-Q2",
        ("THA", "USA"),
        -1,
        "Military coup in Thailand, 22 May 2014; the USA suspends $3.5 million of military aid",
        "https://www.apnews.com/6497fd6b61b1465d8031c7780fabab92",
    ),
    _chair(
        "2016-Q1",
        "ASEAN",
        "LAO",
        "Laos chairs ASEAN in 2016",
        "https://www.cbsnews.com/news/obama-opens-historic-visit-to-laos-nation-with-rising-importance-to-us/",
    ),
    _chair(
        "2016-Q1",
        "ADMM",
        "LAO",
        "Laos chairs the ADMM as ASEAN chair in 2016",
        "https://www.cbsnews.com/news/obama-opens-historic-visit-to-laos-nation-with-rising-importance-to-us/",
    ),
    _trust(
        "2016-Q2",
        ("USA", "VNM"),
        1,
        "The USA lifts its embargo on arms sales to Viet Nam, Hanoi, 23 May 2016",
        "http://www.khaosodenglish.com/news/international/2016/05/23/1463992336/",
    ),
    _trust(
        "2016-Q3",
        ("LAO", "USA"),
        1,
        "First visit of a sitting US president to Laos, September 2016: comprehensive partnership, "
        "$90 million for clearing unexploded ordnance",
        "https://www.cbsnews.com/news/obama-opens-historic-visit-to-laos-nation-with-rising-importance-to-us/",
    ),
    _disaster(
        "2018-Q3",
        "LAO",
        "severe disaster",
        "Xe-Pian Xe-Namnoy saddle dam collapse, Attapeu, 23 July 2018: declared a national crisis",
        "https://laotiantimes.com/2018/07/24/xe-pian-dam-bursts-its-banks-causing-catastrophic-damage/",
    ),
    _chair(
        "2020-Q1",
        "ASEAN",
        "VNM",
        "Viet Nam chairs ASEAN in 2020",
        "https://en.vietnamplus.vn/admm14-seventh-admm-plus-to-be-held-online/191461.vnp",
    ),
    _chair(
        "2020-Q1",
        "ADMM",
        "VNM",
        "Viet Nam hosts the 14th ADMM and 7th ADMM-Plus in 2020",
        "https://en.vietnamplus.vn/admm14-seventh-admm-plus-to-be-held-online/191461.vnp",
    ),
    _trust(
        "2021-Q1",
        ("MMR", "USA"),
        -1,
        "Military coup in Myanmar, 1 February 2021; US sanctions on its military leaders",
        "https://www.rollcall.com/2021/02/10/biden-announces-slew-of-actions-against-burmese-military-junta/",
    ),
    _crisis(
        "2022-Q1",
        ("RUS", "USA"),
        "war",
        "Russia invades Ukraine, 24 February 2022; sweeping US sanctions and military aid to Ukraine",
        "https://www.everycrsreport.com/files/2022-07-06_IN11869_15b80c73ab44fc50950bff8d282a9b8a61a61768.html",
    ),
    *(
        Historical(
            f"{year}-Q4",
            {"type": "summit", "forum": "ADMM_Plus"},
            "ADMM-Plus meets annually from 2017 (the biennial meetings fall in even years)",
            "https://admm.asean.org/index.php/about-admm/about-admm-plus.html",
        )
        for year in (2017, 2019, 2021, 2023)
    ),
)
HISTORY: tuple[Historical, ...] = tuple(sorted(_EVENTS, key=lambda e: e.at))
"""Every scheduled historical event, in date order."""
