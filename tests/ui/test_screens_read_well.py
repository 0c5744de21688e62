"""Numbers, warnings and long lists as people expect them: shares as percentages, scores
with two decimals, moments on the contest's clock without offsets, each warning once,
long tables searched and paged, the observer's finalists filtered."""

import json
import re

from sqlmodel import select, update

from contest import db
from contest.models import Edition, Entry
from contest.ui import widgets
from tests.conftest import login_for
from tests.integration.test_results import _scored_template  # noqa: F401  (fixture)
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app
from tests.ui.test_results_pages import button, organiser_page, scored_app  # noqa: F401  (fixture)


def open_page(demo_db, app_env, role, page):
    url, logins = demo_db
    app_env(url)
    at = sign_in(start_app(), *login_for(logins, role))
    at.switch_page(str(PAGES / page))
    return at.run()


def table_with(at, heading):
    """The table showing a heading: (its column config by key, its values by heading)."""
    for df in at.dataframe:
        config = json.loads(df.proto.columns or "{}")
        labels = {key: (config.get(key, {}).get("label") or key) for key in df.value.columns}
        if heading in labels.values():
            return config, df.value.rename(columns=labels)
    raise AssertionError(f"no table headed {heading!r}")


def test_progress_shows_coverage_and_done_as_whole_percentages(demo_db, app_env):
    at = open_page(demo_db, app_env, "organiser", "organiser_progress.py")
    config, tracks = table_with(at, "Coverage")
    assert config["coverage"]["type_config"]["format"] == "%.0f%%"  # 33.3 shows as "33%"
    expected = (tracks["Fully scored"] / tracks["Entries"] * 100).round(1)
    assert (tracks["Coverage"].round(1) == expected).all()
    assert tracks["Coverage"].max() > 1 or expected.max() <= 1  # percentages, not 0.333
    config, judges = table_with(at, "Done")
    assert config["done"]["type_config"] == {"type": "progress", "format": "%.0f%%", "min_value": 0, "max_value": 100}


def test_results_show_scores_with_two_decimals_and_headings_in_words(scored_app):
    at = organiser_page(scored_app, "organiser_results.py")
    at.number_input[0].set_value(200)
    button(at, "Rank").click().run()
    config, ranking = table_with(at, "Adjusted score")
    assert config["adjusted_score"]["type_config"]["format"] == "%.2f"
    assert config["p_cut"]["type_config"]["format"] == "%.0f%%"
    assert {"Rank", "Entry", "Ratings", "Chance of clearing the cut"} <= set(ranking.columns)
    assert not {"entry_code", "n_judges", "rank_low", "p_cut"} & set(ranking.columns)


def test_results_show_each_warning_once(scored_app):
    at = organiser_page(scored_app, "organiser_results.py")
    method_warning = at.caption[0].value
    at.number_input[0].set_value(200)
    button(at, "Rank").click().run()
    warnings = [w.value for w in at.warning]
    assert warnings, "the scored demo round has thin judges: the ranking warns"
    assert len(warnings) == len(set(warnings))
    shown = [c.value for c in at.caption] + warnings
    assert shown.count(method_warning) == 1


def test_times_show_on_the_contest_clock_without_offsets(demo_db, app_env):
    at = open_page(demo_db, app_env, "entrant", "entrant_home.py")
    deadline = next(c.value for c in at.caption if c.value.startswith("Submission deadline"))
    # The demo's deadline is the end of a day in China Standard Time.
    assert re.fullmatch(r"Submission deadline: \d{1,2} \w{3} \d{4}, 23:59", deadline), deadline
    config, _ = table_with(at, "Submitted")
    assert config["submitted_at"]["type_config"] == {"type": "datetime", "format": "YYYY-MM-DD HH:mm",
                                                     "timezone": "Asia/Hong_Kong"}


def test_an_edition_in_another_time_zone_shows_its_moments_on_that_clock(demo_db, app_env):
    url, _ = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        s.exec(update(Edition).values(time_zone="Europe/London"))
        s.commit()
    engine.dispose()
    at = open_page(demo_db, app_env, "entrant", "entrant_home.py")
    deadline = next(c.value for c in at.caption if c.value.startswith("Submission deadline"))
    # 23:59 in Hong Kong is 15:59 (winter) or 16:59 (summer) in London.
    assert re.fullmatch(r"Submission deadline: \d{1,2} \w{3} \d{4}, 1[56]:59", deadline), deadline
    config, _ = table_with(at, "Submitted")
    assert config["submitted_at"]["type_config"]["timezone"] == "Europe/London"


def test_a_long_table_is_searched_and_paged(demo_db, app_env, monkeypatch):
    monkeypatch.setattr(widgets, "PAGE_SIZE", 5)
    at = open_page(demo_db, app_env, "organiser", "organiser_assignment.py")
    _, first = table_with(at, "Judges assigned")
    total = int(re.search(r"Rows 1–5 of (\d+)", page_text(at)).group(1))
    assert len(first) == 5 and total > 10
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Page")).select(2).run()
    _, second = table_with(at, "Judges assigned")
    assert len(second) == 5 and not set(second["Entry"]) & set(first["Entry"])
    assert "Rows 6–10 of" in page_text(at)
    wanted = second["Entry"].iloc[0]
    next(i for i in at.text_input if i.label == "Search").input(wanted).run()
    _, found = table_with(at, "Judges assigned")
    assert list(found["Entry"]) == [wanted]


def test_the_observer_narrows_the_finalists_by_search_and_filters(demo_db, app_env):
    url, _ = demo_db
    at = open_page(demo_db, app_env, "observer", "observer_home.py")

    def cards():
        return [rendered.value.strip("*").replace("\\", "") for rendered in at.markdown
                if re.fullmatch(r"\*\*GBA\\?-?[\w\\-]+\*\*", rendered.value)]

    everyone = cards()
    assert len(everyone) > 3
    with db.session_scope(db.make_engine(url)) as s:
        entries = {e.code: e for e in s.exec(select(Entry).where(Entry.code.in_(everyone))).all()}
        region = entries[everyone[0]].region
    at.multiselect(key="observer_regions").select(region).run()
    in_region = cards()
    assert in_region and set(in_region) == {c for c in everyone if entries[c].region == region}
    groups = at.multiselect(key="observer_groups").options
    at.multiselect(key="observer_groups").select(groups[0]).run()
    assert set(cards()) < set(in_region) or len(set(entries[c].group_id for c in in_region)) == 1
    at.multiselect(key="observer_regions").unselect(region)
    at.multiselect(key="observer_groups").unselect(groups[0]).run()
    title = entries[everyone[1]].title
    at.text_input(key="observer_search").input(title).run()
    assert everyone[1] in cards() and len(cards()) < len(everyone)
    at.text_input(key="observer_search").input("no such finalist anywhere").run()
    assert cards() == [] and "No finalist matches" in page_text(at)
