"""The organiser ranks a round, reads the reliability report, decides and publishes;
entrants and observers then see the published list."""

import shutil

import pytest
from sqlmodel import select, update

from contest import db, i18n
from contest.models import Entry, ScoreSheet, SheetStatus, User
from tests.integration.test_results import _scored_template  # noqa: F401  (fixture)
from tests.ui.apptest_helpers import PAGES, page_text, rendered, sign_in, start_app, tick

@pytest.fixture
def scored_app(tmp_path, _scored_template, app_env):  # noqa: F811
    from contest.services import demo

    path = tmp_path / "scored.db"
    shutil.copy(_scored_template, path)
    url = f"sqlite:///{path}"
    app_env(url)
    return url, demo.DEMO_PASSWORDS


def signed_in(role_email: str, password: str, page: str):
    at = start_app()
    sign_in(at, role_email, password)
    at.switch_page(str(PAGES / page))
    at.run()
    return at


def button(at, label):
    return next(b for b in at.button if b.label == label)


def organiser_page(scored_app, page):
    _, passwords = scored_app
    return signed_in("organiser@demo.example.org", passwords["organiser"], page)


def test_organiser_ranks_a_round_and_sees_each_group_with_intervals(scored_app):
    at = organiser_page(scored_app, "organiser_results.py")
    assert not at.exception
    assert "press Rank" in page_text(at)
    at.number_input[0].set_value(200)
    button(at, "Rank").click().run()
    assert not at.exception
    text = page_text(at)
    assert "Start-up" in text and "Growth" in text
    tables = [df.value for df in at.dataframe if "rank" in df.value.columns]  # not the public-vote editor
    assert len(tables) == 2
    assert {"adjusted_score", "raw_mean", "n_judges", "rank_low", "rank_high"} <= set(tables[0].columns)
    assert list(tables[0]["rank"])[:3] == [1, 2, 3]


def test_changing_the_method_shows_its_warning(scored_app):
    at = organiser_page(scored_app, "organiser_results.py")
    at.selectbox[1].set_value("zscore").run()
    assert "a judge whose field is strong looks lenient" in page_text(at)


def test_reliability_report_shows_the_summary_and_judge_table(scored_app):
    at = organiser_page(scored_app, "organiser_reliability.py")
    button(at, "Build the report").click().run()
    assert not at.exception
    text = page_text(at)
    assert "Krippendorff's alpha" in text and "judges differ by about" in text
    judge_table = next(df.value for df in at.dataframe if "leniency" in df.value.columns)
    assert len(judge_table) == 12


def test_reliability_page_labels_judges_by_name_and_entries_by_code(scored_app):
    url, _ = scored_app
    at = organiser_page(scored_app, "organiser_reliability.py")
    button(at, "Build the report").click().run()
    judge_table = next(df.value for df in at.dataframe if "leniency" in df.value.columns)
    assert "judge" not in judge_table.columns  # the judges' ids stay on the server
    round_id = at.selectbox[0].value
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        names = set(s.exec(select(User.name).join(ScoreSheet, ScoreSheet.judge_id == User.id).where(
            ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.submitted.value)).all())
        codes = set(s.exec(select(Entry.code)).all())
    engine.dispose()
    labels = set(judge_table["judge_name"])
    assert len(labels) == len(names)  # one label per judge who scored
    assert all(any(label.startswith(name) for name in names) for label in labels), labels
    entries = next(df.value for df in at.dataframe if "entry_code" in df.value.columns)
    assert set(entries["entry_code"]) <= codes
    chart = next(c.proto.SerializeToString() for c in at.get("vega_lite_chart") if "leniency" in c.proto.spec)
    assert all(label.encode() in chart for label in labels)  # the chart's axis too


def test_each_methods_warning_reads_in_the_organisers_language(scored_app):
    url, _ = scored_app
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        s.exec(update(User).where(User.email == "organiser@demo.example.org").values(language="zh-Hant"))
        s.commit()
    engine.dispose()
    at = organiser_page(scored_app, "organiser_reliability.py")
    button(at, i18n.text("organiser_reliability.build_report", "zh-Hant")).click().run()
    assert not at.exception
    compared = next(df.value for df in at.dataframe if "spearman" in df.value.columns)
    assert i18n.text("common.method_warning_zscore", "zh-Hant") in set(compared["warning"])
    assert not [w for w in compared["warning"] if "Fair only" in str(w) or "Assumes" in str(w)]


def test_organiser_decides_and_publishes_then_entrants_and_observers_see_the_list(scored_app):
    url, passwords = scored_app
    at = organiser_page(scored_app, "organiser_decisions.py")
    button(at, "Decide advancement").click().run()
    assert not at.exception
    # First what it will do, and nothing decided yet.
    assert "This decides: 10 entries advance to Semi-final" in page_text(at)
    assert "No decisions yet." in page_text(at)
    button(at, "Yes, go ahead").click().run()
    assert any("advance to Semi-final" in rendered(s.value) for s in at.success)
    decisions = next(df.value for df in at.dataframe if "outcome" in df.value.columns)
    # the demo's preliminary advances the top 30 // 6 = 5 of each of its 2 groups
    outcomes = decisions["outcome"].value_counts()
    assert outcomes["Advances"] == 10 and outcomes["Does not advance"] == len(decisions) - 10
    button(at, "Publish").click().run()
    assert "This publishes version 1 of the list with 10 entries" in page_text(at)
    button(at, "Yes, go ahead").click().run()
    assert any("version 1" in s.value for s in at.success)

    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        entry = s.exec(select(Entry).where(Entry.current_round_id != None)  # noqa: E711
                       .order_by(Entry.current_round_id.desc())).first()
        owner = s.get(User, entry.owner_id).email
    engine.dispose()
    entrant = signed_in(owner, passwords["entrant"], "published_results.py")
    assert not entrant.exception
    text = page_text(entrant)
    assert "Preliminary: entries advancing (version 1)" in text
    assert f"Your entries on this list: {entry.code}" in text
    observer = signed_in("observer@demo.example.org", passwords["observer"], "published_results.py")
    assert entry.code in page_text(observer)
    assert "Your entries" not in page_text(observer)


def test_an_override_without_reason_is_refused_on_the_page(scored_app):
    at = organiser_page(scored_app, "organiser_decisions.py")
    at.text_input[0].input("GBA26-0001")
    button(at, "Add override").click().run()
    button(at, "Decide advancement").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    assert "Yes, go ahead" not in [b.label for b in at.button]  # nothing to confirm


def test_organiser_assigns_a_second_look_to_the_borderline_band(scored_app):
    url, _ = scored_app
    from contest.models import Round

    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        rnd = s.exec(select(Round).where(Round.key == "preliminary")).one()
        rnd.advancement_value = 5  # a cut inside the field, so some entries are borderline
        s.add(rnd)
        s.commit()
    engine.dispose()
    at = organiser_page(scored_app, "organiser_results.py")
    at.number_input[0].set_value(300)
    button(at, "Rank").click().run()
    assert "chance of clearing the cut" in page_text(at)
    button(at, "Assign a second look").click().run()
    assert not at.exception
    assert any("extra assignments for" in s.value for s in at.success)


def test_public_votes_typed_on_two_pages_of_the_table_are_all_saved(scored_app, monkeypatch):
    """A vote typed on page 1 survives turning to page 2; the save stores both."""
    from contest.models import Entry, PublicVote, Round
    from contest.ui import widgets

    monkeypatch.setattr(widgets, "PAGE_SIZE", 5)
    url, _ = scored_app
    at = organiser_page(scored_app, "organiser_results.py")
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        prelim_id = s.exec(select(Round.id).where(Round.key == "preliminary")).one()

    at.toggle(key=f"vote_edit_{prelim_id}").set_value(True).run()

    def editor():
        return next(n for n, e in enumerate(at.data_editor) if e.key.startswith(f"votes_{prelim_id}_"))

    first = at.data_editor[editor()].value["entry_code"].iloc[0]
    tick(at, {0: {"votes": 17}}, which=editor())
    at.selectbox(key=f"vote_table_{prelim_id}_page").set_value(2).run()
    shown = at.data_editor[editor()].value
    assert first not in list(shown["entry_code"])
    second = shown["entry_code"].iloc[1]
    tick(at, {1: {"votes": 23}}, which=editor())
    at.selectbox(key=f"vote_table_{prelim_id}_page").set_value(1).run()
    page_one = at.data_editor[editor()].value
    assert list(page_one.loc[page_one["entry_code"] == first, "votes"]) == [17]
    button(at, "Save the public vote").click().run()
    assert not at.exception
    with db.session_scope(engine) as s:
        stored = {code: v.votes for v, code in s.exec(select(PublicVote, Entry.code)
                                                         .join(Entry, Entry.id == PublicVote.entry_id)).all() if v.votes}
    engine.dispose()
    assert stored == {first: 17.0, second: 23.0}


def test_organiser_enters_the_public_vote_on_the_results_page(scored_app):
    url, _ = scored_app
    at = organiser_page(scored_app, "organiser_results.py")
    assert "The public vote counts 0 % of this round" in page_text(at)
    from contest.models import PublicVote, Round

    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        prelim_id = s.exec(select(Round.id).where(Round.key == "preliminary")).one()
    assert not any(e.key.startswith(f"votes_{prelim_id}_") for e in at.data_editor)  # until asked for
    at.toggle(key=f"vote_edit_{prelim_id}").set_value(True).run()
    editor = next(n for n, e in enumerate(at.data_editor) if e.key.startswith(f"votes_{prelim_id}_"))
    tick(at, {0: {"votes": 42}}, which=editor)
    button(at, "Save the public vote").click().run()
    assert not at.exception
    assert "Saved the votes of" in page_text(at)
    with db.session_scope(engine) as s:
        assert [v.votes for v in s.exec(select(PublicVote)).all() if v.votes] == [42.0]
    engine.dispose()
