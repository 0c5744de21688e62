"""The demo edition is realistic: valid CN, HK and MO portfolios with a core patent,
real PDFs, a judge pool with organisations and expertise, k judges per eligible entry
and part of the preliminary scored."""

from collections import Counter

from sqlmodel import select

from contest import db, patents
from contest.models import Assignment, Conflict, Document, Entry, JudgeProfile, Patent, ScoreSheet
from contest.services import storage


def test_the_demo_edition_is_complete_and_valid(demo_db):
    url, logins = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        entries = s.exec(select(Entry)).all()
        assert len(entries) == 24
        assert {e.group_id for e in entries}.__len__() == 2
        assert len({e.category_id for e in entries}) >= 2
        assert {"guangdong", "hong_kong", "macao"} <= {e.region for e in entries}

        portfolio = Counter()
        for p in s.exec(select(Patent)).all():
            parsed = patents.parse_patent_number(p.number)
            assert parsed.ok, (p.number, parsed.errors)
            assert parsed.normalised == p.normalised
            portfolio[p.entry_id] += 1
            portfolio[("jurisdiction", parsed.jurisdiction)] += 1
        assert {"CN", "HK", "MO"} <= {k[1] for k in portfolio if isinstance(k, tuple)}
        for e in entries:
            assert 5 <= portfolio[e.id] <= 12
            cores = s.exec(select(Patent).where(Patent.entry_id == e.id, Patent.is_core == True)).all()  # noqa: E712
            assert len(cores) == 1 and cores[0].status == "granted"

        doc = s.exec(select(Document)).first()
        assert doc.pages == 2 and storage.document_bytes(session=s, document=doc).startswith(b"%PDF")

        judges = s.exec(select(JudgeProfile)).all()
        assert len(judges) == 9 and all(j.organisation and j.expertise for j in judges)

        conflicted = s.exec(select(Conflict)).all()
        assert conflicted and all("Harbourline" in c.reason for c in conflicted)
        assigned = {(a.judge_id, a.entry_id) for a in s.exec(select(Assignment)).all()}
        assert not assigned & {(c.judge_id, c.entry_id) for c in conflicted}
        eligible = [e for e in entries if e.status == "eligible"]
        per_entry = Counter(a.entry_id for a in s.exec(select(Assignment)).all())
        assert eligible and all(per_entry[e.id] == 3 for e in eligible)
        statuses = Counter(sh.status for sh in s.exec(select(ScoreSheet)).all())
        assert statuses["submitted"] > 0 and statuses["draft"] > 0
        assert sum(statuses.values()) < sum(per_entry.values())  # some not started yet
    engine.dispose()
    roles = Counter(role for role, _e, _p in logins.logins)
    assert roles == {"organiser": 1, "observer": 1, "judge": 9, "entrant": 24}


def test_an_award_reaches_the_entrant_only_once_published(demo_db):
    from contest.auth import Actor
    from contest.models import Decision, Publication
    from contest.labels import label_of
    from contest.services import home

    url, _logins = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        entry = s.exec(select(Entry).where(Entry.status == "eligible")).first()
        owner = Actor(user_id=entry.owner_id, email="", name="", roles=frozenset({"entrant"}))
        s.add(Decision(edition_id=entry.edition_id, entry_id=entry.id, round_id=entry.current_round_id,
                       kind="award", outcome="gold"))
        s.commit()
        assert home.entrant_overview(session=s, actor=owner, edition_id=entry.edition_id)[0].award == ""
        s.add(Publication(edition_id=entry.edition_id, round_id=entry.current_round_id, kind="awards", version=1,
                          payload=[{"entry_code": entry.code, "outcome": "gold"}]))
        s.add(Publication(edition_id=entry.edition_id, round_id=entry.current_round_id, kind="awards", version=2,
                          note="correction", payload=[{"entry_code": entry.code, "outcome": "silver"}]))
        s.commit()
        award = home.entrant_overview(session=s, actor=owner, edition_id=entry.edition_id)[0].award
        assert (award, label_of(award, "zh-Hant")) == ("Silver", "銀獎")  # the tier's name, in every language
    engine.dispose()


def test_the_demo_obeys_its_own_rules_and_gives_every_role_work(demo_db):
    from contest import dates, eligibility
    from contest.models import Edition, Round
    from contest.services import queries

    url, _logins = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        edition = s.exec(select(Edition)).one()
        entries = s.exec(select(Entry)).all()
        checked = queries.automatic_results(s, edition, entries)
        for entry in entries:
            if entry.status == "eligible":
                assert eligibility.is_eligible(checked[entry.id]), (entry.code, eligibility.failures(checked[entry.id]))
            if entry.status == "ineligible":
                assert entry.eligibility_reason and not eligibility.is_eligible(checked[entry.id])
        counted = Counter(e.applicant for e in entries
                          if e.applicant_type == "enterprise" and e.status in ("submitted", "eligible"))
        assert max(counted.values()) <= edition.max_entries_per_enterprise
        # Saving the dates unchanged on the set-up page keeps them: days, not moments.
        moments = [edition.opens_at, edition.submission_deadline, edition.closes_at]
        for rnd in s.exec(select(Round).where(Round.opens_at.is_not(None))).all():
            moments += [rnd.opens_at, rnd.closes_at]
        for moment in moments:
            day = dates.day_of(moment)
            assert moment in (dates.day_start(day), dates.day_end(day))
        assert dates.day_end(dates.day_of(edition.submission_deadline)) == edition.submission_deadline

        statuses = Counter(e.status for e in entries)
        assert statuses["submitted"] and statuses["draft"] and statuses["ineligible"]  # office and entrants
        open_work = Counter()
        for a in s.exec(select(Assignment)).all():
            done = s.exec(select(ScoreSheet).where(ScoreSheet.judge_id == a.judge_id, ScoreSheet.entry_id == a.entry_id,
                                                   ScoreSheet.status == "submitted")).first()
            open_work[a.judge_id] += done is None
        judges = s.exec(select(JudgeProfile)).all()
        assert all(open_work[j.user_id] >= 1 for j in judges)  # every judge has something to score
    engine.dispose()


def test_a_demo_with_many_judges_for_its_entries_still_ranks_with_the_model(tmp_path):
    """50 judges for 65 entries, 80 % scored (the load benchmark's crowd): the submitted
    ratings are one connected design, so the organiser's Rank works (it was refused: the
    randomly scored share left the ratings in 5 pieces)."""
    from contest.auth import SYSTEM
    from contest.models import Round
    from contest.services import demo, results

    url = f"sqlite:///{tmp_path / 'crowd.db'}"
    db.migrate(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        demo.build_demo(session=s, entries=65, judges=50, seed=21, scored_share=0.8)
    with db.session_scope(engine, read_only=True) as s:
        prelim = s.exec(select(Round.id).where(Round.key == "preliminary")).one()
        ranked = results.rank_round(session=s, actor=SYSTEM, round_id=prelim, method="model", draws=50)
        assert len(ranked.table) > 0
        assert not any("separate groups" in str(w) for w in ranked.warnings)
    engine.dispose()
