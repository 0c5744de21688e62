"""A realistic demo edition: entrants with patent portfolios and PDFs, a judge pool,
preliminary assignments and part of the scores submitted."""

from __future__ import annotations

import io
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlmodel import Session, select

from contest import assignment, auth, dates, eligibility, organisations, patents, scoring
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    Category,
    ContestGroup,
    Criterion,
    CriterionScore,
    Edition,
    Entry,
    EntryStatus,
    JudgeProfile,
    Patent,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    Track,
)
from contest.services import accounts, conflicts, editions, panels, queries, screening, storage

DEMO_PASSWORDS = {
    Role.organiser: "organiser-demo-2026",
    Role.judge: "judge-demo-2026",
    Role.entrant: "entrant-demo-2026",
    Role.observer: "observer-demo-2026",
}

_COMPANIES = [
    ("Shenzhen", "guangdong", "Shenzhen Lanhai Microelectronics Co., Ltd."),
    ("Guangzhou", "guangdong", "Guangzhou Ruiyi Biotech Co., Ltd."),
    ("Dongguan", "guangdong", "Dongguan Hengtong Precision Machinery Co., Ltd."),
    ("Foshan", "guangdong", "Foshan Meijia Smart Appliance Co., Ltd."),
    ("Zhuhai", "guangdong", "Zhuhai Haixin Energy Storage Technology Co., Ltd."),
    ("Hong Kong", "hong_kong", "Harbourline Robotics Limited"),
    ("Hong Kong", "hong_kong", "Kowloon Photonics Limited"),
    ("Macao", "macao", "Macau Lotus Materials Limited"),
    ("Huizhou", "guangdong", "Huizhou Xinneng Battery Co., Ltd."),
    ("Zhongshan", "guangdong", "Zhongshan Guanghua Lighting Co., Ltd."),
    ("Jiangmen", "guangdong", "Jiangmen Lvyuan Environmental Technology Co., Ltd."),
    ("Shanghai", "mainland_other", "Shanghai Qixin Semiconductor Co., Ltd."),
    ("Singapore", "overseas", "Straits MedTech Pte. Ltd."),
]
_UNIVERSITIES = [
    ("Guangzhou", "guangdong", "South China Institute of Technology", "university"),
    ("Hong Kong", "hong_kong", "Hong Kong Polytechnic Research Centre", "institute"),
    ("Shenzhen", "guangdong", "Shenzhen Institute of Advanced Materials", "institute"),
    ("Macao", "macao", "University of Macau Engineering Faculty", "university"),
]
_TOPICS = [
    "Low-power edge AI chip", "Solid-state battery electrolyte", "Minimally invasive surgical robot",
    "Perovskite solar module", "Smart induction cooker", "Graphene thermal film", "mRNA delivery vector",
    "Industrial vision inspection", "Marine corrosion coating", "Silicon carbide power module",
    "Wearable glucose monitor", "Autonomous port crane", "Water purification membrane", "Micro-LED display",
    "Hydrogen fuel cell stack", "Quiet air conditioner compressor",
]
_JUDGE_ORGS = [
    ("Guangdong Patent Examination Cooperation Center", "guangdong"),
    ("Pearl River IP Law Firm", "guangdong"),
    ("Bayview Venture Capital", "hong_kong"),
    ("Macao Innovation Fund", "macao"),
    ("Sun Yat-sen University", "guangdong"),
    ("Hong Kong Science Park Advisory", "hong_kong"),
    ("China Patent Valuation Partners", "mainland_other"),
    ("Harbourline Robotics Ltd.", "hong_kong"),  # also an applicant: a conflict the assignment avoids
]
_COMMENTS = [
    "Strong core patent; the layout around it is thin.",
    "Convincing market evidence; the claims could be broader.",
    "Good landscape analysis; commercialisation plan is vague.",
    "Solid portfolio; little protection outside the mainland.",
    "Impressive licensing record; the core claim is narrow.",
]
_GIVEN = ["Wei", "Min", "Ka Ming", "Hoi Yan", "Jun", "Lei", "Xin", "Chi Keung", "Yan", "Hao", "Ling", "Tao",
          "Mei", "Kin", "Fang", "Qiang", "Yu", "Sze Wing"]
_FAMILY = ["Chen", "Li", "Wong", "Zhang", "Lau", "Huang", "Liu", "Chan", "Lin", "Ho", "Zhou", "Cheung"]


@dataclass
class DemoLogins:
    edition_slug: str
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, password)


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small real PDF (two pages) standing in for an analysis and evaluation report."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle(title)
    pdf.setAuthor("Demo Applicant")
    for page in range(2):
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(72, 770, title[:70])
        pdf.setFont("Helvetica", 11)
        for i, line in enumerate(lines[page * 8:(page + 1) * 8] or ["(continued)"]):
            pdf.drawString(72, 730 - 18 * i, line[:90])
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _cn_number(rng: random.Random, year: int, type_digit: int) -> str:
    digits = f"{year}{type_digit}{rng.randrange(10**6, 10**7)}"
    return f"{digits}.{patents.cn_check_digit(digits)}"


def _portfolio(rng: random.Random, category: str, applicant: str, region: str, cutoff: date,
               stale_core: bool = False) -> list[dict]:
    """5-12 patents, the first the granted core patent of the category's kind (granted before
    the cut-off when stale_core: an entry the eligibility rules refuse)."""
    kinds = {"invention": (1, "invention"), "design": (3, "design"), "ic_layout": (1, "invention")}
    type_digit, core_kind = kinds[category]
    out = []
    n = rng.randint(5, 12)
    for i in range(n):
        if i == 0:
            year, t, kind = rng.randint(2019, 2022), type_digit, core_kind
            if stale_core:
                year = cutoff.year - 3
        else:
            t = rng.choice([1, 1, 1, 2, 3])
            kind = {1: "invention", 2: "utility_model", 3: "design"}[t]
            year = rng.randint(2015, 2024)
        number = _cn_number(rng, year, t)
        if i == 0 and category == "ic_layout":  # a registered layout design, not a patent
            number = f"BS.{year % 100:02d}5{rng.randrange(10**5, 10**6)}.{rng.randrange(10)}"
        if i > 0 and region in ("hong_kong", "macao") and (i == 1 or rng.random() < 0.25):
            number = f"HK{rng.randrange(1_000_000, 9_999_999)}" if region == "hong_kong" else f"I/{rng.randrange(1000, 9999)}"
            kind = "invention"
        filing = date(year, rng.randint(1, 12), rng.randint(1, 28))
        grant = max(filing + timedelta(days=rng.randint(300, 900)), cutoff + timedelta(days=rng.randint(1, 600))) if i == 0 else (
            filing + timedelta(days=rng.randint(300, 1200)))
        if i == 0 and stale_core:
            filing, grant = cutoff - timedelta(days=900), cutoff - timedelta(days=rng.randint(30, 300))
        status = "granted" if i == 0 or rng.random() < 0.8 else "pending"
        parsed = patents.parse_patent_number(number)
        out.append({
            "number": number, "normalised": parsed.normalised, "jurisdiction": parsed.jurisdiction or "",
            "kind": "ic_layout" if (i == 0 and category == "ic_layout") else kind,
            "status": status, "filing_date": filing, "grant_date": grant if status == "granted" else None,
            "holder": applicant, "is_core": i == 0,
        })
    return out


# What happens to the n-th demo entry, so every role finds work: entrants a draft to finish,
# the office entries awaiting the eligibility check (one refused by the rules), judges sheets.
DRAFT, AWAITING, REFUSED, ELIGIBLE = "draft", "awaiting", "refused", "eligible"
REFUSED_REASON = "The core patent was granted before the cut-off date."


def _plan(n: int) -> str:
    return {19: DRAFT, 13: REFUSED, 7: AWAITING}.get(n % 20, ELIGIBLE)


@dataclass
class _Demo:
    """What the steps of build_demo share."""

    session: Session
    rng: random.Random
    seed: int
    edition: Edition
    result: DemoLogins
    hashes: dict
    now: datetime
    organiser: object = None
    judges: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    plans: dict = field(default_factory=dict)  # entry id -> plan

    def email(self, local: str) -> str:
        suffix = f"{self.edition.id}" if self.edition.id > 1 else ""
        return f"{local}{suffix}@demo.example.org"

    def person(self, local: str, role: Role, name: str, organisation: str = ""):
        user = accounts.create_user(session=self.session, actor=Actor.system(), email=self.email(local),
                                    name=name, roles=[role],
                                    password_hash=self.hashes[role], organisation=organisation, commit=False)
        self.result.logins.append((role.value, user.email, DEMO_PASSWORDS[role]))
        return user

    def rows(self, model) -> list:
        return list(self.session.exec(select(model).where(model.edition_id == self.edition.id)))


def build_demo(
    *,
    session: Session,
    entries: int = 60,
    judges: int = 15,
    seed: int = 7,
    scored_share: float = 0.6,
    progress: Callable[[float, str], None] | None = None,
) -> DemoLogins:
    """Build the demo edition; returns the logins to print. It obeys its own rules: dates as
    the set-up page keeps them, at most the cap of entries per enterprise, eligibility
    decided by the real rules and the screening service."""
    step = progress or (lambda _f, _m: None)
    step(0.02, "edition")
    demo = _edition(session, seed, entries)
    _office(demo)
    step(0.1, "judges")
    _judges(demo, judges)
    step(0.2, "entries")
    _entries(demo, entries)
    step(0.45, "eligibility")
    _screen(demo)
    step(0.55, "assignment")
    pairs = _assign(demo)
    step(0.7, "scores")
    _score(demo, pairs, scored_share)
    step(0.95, "saving")
    session.commit()
    step(1.0, "done")
    return demo.result


def _edition(session: Session, seed: int, entries: int) -> _Demo:
    """The edition from the preset, dated as the set-up page would store its days."""
    edition = editions.create_edition(session=session, actor=Actor.system(), name="GBA High Value Patent Portfolio Contest (demo)")
    now = utcnow()
    today = now.date()
    edition.opens_at = dates.day_start(today - timedelta(days=60))
    edition.submission_deadline = dates.day_end(today + timedelta(days=14))
    edition.closes_at = dates.day_end(today + timedelta(days=120))
    session.add(edition)
    rounds = {r.key: r for r in session.exec(select(Round).where(Round.edition_id == edition.id))}
    prelim = rounds["preliminary"]
    prelim.opens_at = dates.day_start(today - timedelta(days=3))
    prelim.closes_at = dates.day_end(today + timedelta(days=21))
    # The preset advances the top 100 of each group; a demo-sized field needs a real cut.
    prelim.advancement_value = max(3, entries // 6)
    session.add(prelim)
    hashes = {role: auth.hash_password(pw) for role, pw in DEMO_PASSWORDS.items()}  # one slow hash per role
    return _Demo(session=session, rng=random.Random(seed), seed=seed, edition=edition,
                 result=DemoLogins(edition_slug=edition.slug), hashes=hashes, now=now)


def _office(demo: _Demo) -> None:
    demo.organiser = demo.person("organiser", Role.organiser, "Grace Office (contest office)", "GBA Contest Office")
    demo.person("observer", Role.observer, "Victor Invest", "Greater Bay Angel Network")


def _judges(demo: _Demo, count: int) -> None:
    """A pool from several organisations (one of them also an applicant), two fields each."""
    tracks = sorted(demo.rows(Track), key=lambda t: t.position)
    for j in range(count):
        org, region = _JUDGE_ORGS[j % len(_JUDGE_ORGS)]
        name = f"{demo.rng.choice(_FAMILY)} {demo.rng.choice(_GIVEN)}"
        user = demo.person(f"judge{j + 1:02d}", Role.judge, name, org)
        user.confidentiality_ack_at = demo.now  # demo judges have accepted the undertaking (shown at a first sign-in)
        expertise = sorted({tracks[(j * 2) % len(tracks)].key, tracks[(j * 2 + 1) % len(tracks)].key})
        demo.session.add(JudgeProfile(edition_id=demo.edition.id, user_id=user.id, organisation=org, region=region,
                                      expertise=expertise, max_load=None))
        demo.judges.append(user)


def _applicants(count: int, cap: int) -> list[tuple[str, str, str, str]]:
    """An applicant per entry: enterprises in turn up to the edition's cap, universities and
    institutes (no cap) after that; a draft may go over the cap (the rules stop it at submission)."""
    enterprises = [(c, r, n, "enterprise") for c, r, n in _COMPANIES]
    pool = enterprises + list(_UNIVERSITIES)
    used: Counter = Counter()
    out = []
    for i in range(count):
        choice = pool[i % len(pool)]
        if choice[3] == "enterprise" and used[choice[2]] >= cap and _plan(i) != DRAFT:
            choice = _UNIVERSITIES[i % len(_UNIVERSITIES)]
        if choice[3] == "enterprise" and _plan(i) != DRAFT:
            used[choice[2]] += 1
        out.append(choice)
    return out


def _entries(demo: _Demo, count: int) -> None:
    """Entries with portfolios and a real PDF report, each owned by its own entrant."""
    session, rng, edition = demo.session, demo.rng, demo.edition
    groups = {g.key: g for g in demo.rows(ContestGroup)}
    categories = {c.key: c for c in demo.rows(Category)}
    tracks = sorted(demo.rows(Track), key=lambda t: t.position)
    for i, (city, region, applicant, applicant_type) in enumerate(_applicants(count, edition.max_entries_per_enterprise)):
        owner_name = f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}"
        owner = demo.person(f"entrant{i + 1:02d}", Role.entrant, owner_name, applicant)
        category = rng.choices(["invention", "design", "ic_layout"], weights=[8, 1, 1])[0]
        revenue = "le_20m" if applicant_type != "enterprise" or rng.random() < 0.55 else "gt_20m"
        group = "startup" if revenue == "le_20m" else "growth"
        track = tracks[rng.randrange(len(tracks))]
        topic = rng.choice(_TOPICS)
        entry = Entry(
            edition_id=edition.id, code=f"GBA26-{i + 1:04d}", owner_id=owner.id,
            title=f"{topic} patent portfolio", group_id=groups[group].id, category_id=categories[category].id,
            track_id=track.id, applicant=applicant, applicant_type=applicant_type, revenue_band=revenue,
            region=region, contact_name=owner_name, contact_email=owner.email, contact_phone="+852 5555 0100",
            summary=f"{applicant} ({city}) protects its {topic.lower()} with a portfolio of core inventions "
                    f"and supporting utility models, licensed to partners across the Greater Bay Area.",
        )
        session.add(entry)
        session.flush()
        portfolio = _portfolio(rng, category, applicant, region, edition.core_patent_cutoff,
                               stale_core=_plan(i) == REFUSED)
        for pos, p in enumerate(portfolio):
            session.add(Patent(entry_id=entry.id, title=f"{topic} – part {pos + 1}", position=pos, **p))
        pdf = demo_pdf(f"{topic}: analysis and evaluation report",
                       [f"Project: {topic}", f"Track: {track.label}", "1. Technology and its advancement",
                        "2. Patent landscape and competitors", "3. Portfolio layout", "4. Market prospects",
                        "5. Commercialisation plan", "6. Problems found and remedies"])
        storage.store_document(session=session, entry_id=entry.id, data=pdf, filename="evaluation_report.pdf",
                               kind="report", uploaded_by=owner.id, max_bytes=10 * 1024 * 1024)
        if i % 2 == 0:  # half the teams have their roadshow deck up already (observers may read it)
            deck = demo_pdf(f"{topic}: roadshow", [f"{topic}", "The problem", "Our patents", "The market",
                                                  "Team and partners", "Funding sought"])
            storage.store_document(session=session, entry_id=entry.id, data=deck, filename="roadshow_deck.pdf",
                                   kind="roadshow", uploaded_by=owner.id, max_bytes=10 * 1024 * 1024)
        demo.entries.append(entry)
        demo.plans[entry.id] = _plan(i)


def _screen(demo: _Demo) -> None:
    """Entries are submitted, then screened by the office through the screening service, so
    an entry marked eligible passes every rule (core patent date, cap, documents)."""
    session = demo.session
    for entry in demo.entries:
        if demo.plans[entry.id] != DRAFT:
            entry.status = EntryStatus.submitted.value
            entry.submitted_at = demo.now - timedelta(days=demo.rng.randint(8, 30))
            session.add(entry)
    session.flush()
    office = accounts.actor_for(session, demo.organiser)
    checked = queries.automatic_results(session, demo.edition, demo.entries)
    planned = {plan: [e.id for e in demo.entries if demo.plans[e.id] == plan] for plan in (ELIGIBLE, REFUSED)}
    passing = [i for i in planned[ELIGIBLE] if eligibility.is_eligible(checked[i])]
    if passing:
        screening.decide_eligibility(session=session, actor=office, entry_ids=passing, eligible=True)
    if planned[REFUSED]:
        screening.decide_eligibility(session=session, actor=office, entry_ids=planned[REFUSED], eligible=False,
                                     reason=REFUSED_REASON)
    for entry in demo.entries:
        session.refresh(entry)


def _assign(demo: _Demo) -> list[tuple[int, int]]:
    """The preliminary's judges: conflicts detected first, then the solver avoids them."""
    session, edition = demo.session, demo.edition
    prelim = session.exec(select(Round).where(Round.edition_id == edition.id, Round.key == "preliminary")).one()
    eligible = [e for e in demo.entries if e.status == EntryStatus.eligible.value]
    track_key = {t.id: t.key for t in demo.rows(Track)}
    profiles = {p.user_id: p for p in demo.rows(JudgeProfile)}
    judge_specs = [
        assignment.JudgeSpec(id=u.id, organisation=organisations.normalise_organisation(profiles[u.id].organisation),
                             expertise=frozenset(profiles[u.id].expertise), max_load=None)
        for u in demo.judges
    ]
    entry_specs = [assignment.EntrySpec(id=e.id, track=track_key[e.track_id]) for e in eligible]
    conflicts.detect_conflicts(session=session, actor=accounts.actor_for(session, demo.organiser),
                               edition_id=edition.id)
    forbidden = panels.forbidden_pairs(session, edition.id, eligible, same_region=False)
    solved = assignment.assign_judges(entry_specs, judge_specs, per_entry=prelim.judges_per_entry,
                                      forbidden=forbidden, seed=demo.seed)
    for judge_id, entry_id in solved.pairs:
        session.add(Assignment(round_id=prelim.id, entry_id=entry_id, judge_id=judge_id, source="automatic"))
    session.flush()
    return list(solved.pairs)


def _score(demo: _Demo, pairs: list[tuple[int, int]], scored_share: float) -> None:
    """Part of the preliminary scored (submitted or draft), judges lenient or strict by a
    little; every judge keeps at least one entry still to score (unless all are asked for)."""
    session, rng = demo.session, demo.rng
    prelim = session.exec(select(Round).where(Round.edition_id == demo.edition.id, Round.key == "preliminary")).one()
    sheets = {s.category_id: s for s in session.exec(select(SheetDefinition).where(SheetDefinition.round_id == prelim.id))}
    criteria = {
        sid: list(session.exec(select(Criterion).where(Criterion.sheet_id == sid).order_by(Criterion.position)))
        for sid in {s.id for s in sheets.values()}
    }
    eligible = [e for e in demo.entries if e.status == EntryStatus.eligible.value]
    quality = {e.id: rng.gauss(0.68, 0.12) for e in eligible}
    leniency = {u.id: rng.gauss(0.0, 0.06) for u in demo.judges}
    category_of = {e.id: e.category_id for e in eligible}
    last_of_judge = {judge_id: (judge_id, entry_id) for judge_id, entry_id in pairs}
    kept_open = set(last_of_judge.values()) if scored_share < 1 else set()

    def add_sheet(judge_id: int, entry_id: int, submitted: bool, draw: random.Random) -> None:
        sheet = sheets[category_of[entry_id]]
        crit = criteria[sheet.id]
        values = {}
        for c in crit:
            share = min(max(quality[entry_id] + leniency[judge_id] + draw.gauss(0, 0.07), 0.05), 1.0)
            values[c.key] = round(share * c.max_points / c.step) * c.step
        specs = [scoring.CriterionSpec(key=c.key, label=c.label, max_points=c.max_points, step=c.step, weight=c.weight)
                 for c in crit]
        score_sheet = ScoreSheet(
            round_id=prelim.id, sheet_id=sheet.id, entry_id=entry_id, judge_id=judge_id,
            status=SheetStatus.submitted.value if submitted else SheetStatus.draft.value,
            total=scoring.sheet_total(specs, values) if submitted else None,
            submitted_at=demo.now - timedelta(hours=draw.randint(1, 60)) if submitted else None,
            comment=_COMMENTS[(judge_id + entry_id) % len(_COMMENTS)] if submitted
            else "Draft: the market figures still need a source.",
        )
        session.add(score_sheet)
        session.flush()
        for c in crit:
            session.add(CriterionScore(score_sheet_id=score_sheet.id, criterion_id=c.id, value=values[c.key]))

    submitted_pairs, unscored = [], []
    for judge_id, entry_id in pairs:
        roll = rng.random()
        if roll > scored_share + 0.1 or (judge_id, entry_id) in kept_open:
            unscored.append((judge_id, entry_id))
            continue  # not started yet
        add_sheet(judge_id, entry_id, roll <= scored_share, rng)
        if roll <= scored_share:
            submitted_pairs.append((judge_id, entry_id))
    if scored_share > 0:
        # A few more scores join the submitted ratings into one piece where the assignment
        # is one (else the organiser could not rank the demo with the model); drawn apart,
        # so the demo's other numbers stay as they were.
        extra = random.Random(len(pairs))
        waiting = [p for p in unscored if p not in kept_open] + [p for p in unscored if p in kept_open]
        for judge_id, entry_id in _joining_pairs(submitted_pairs, waiting):
            add_sheet(judge_id, entry_id, True, extra)


def _joining_pairs(kept: list[tuple[int, int]], candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The candidate judge-entry pairs (in their order) that join pieces the kept pairs
    leave apart, as few as that takes."""
    parent: dict[tuple, tuple] = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    def join(judge_id, entry_id) -> bool:
        a, b = root(("j", judge_id)), root(("e", entry_id))
        parent[a] = b
        return a != b

    for judge_id, entry_id in kept:
        join(judge_id, entry_id)
    touched = {("j", j) for j, _e in kept} | {("e", e) for _j, e in kept}
    chosen = []
    for judge_id, entry_id in candidates:
        # Only a pair between two parts that already hold ratings joins pieces; one that
        # merely brings in a new judge or entry is not needed for ranking the rest.
        if ("j", judge_id) in touched and ("e", entry_id) in touched and join(judge_id, entry_id):
            chosen.append((judge_id, entry_id))
    return chosen


def demo_exists(*, session: Session) -> bool:
    return session.exec(select(Edition.id)).first() is not None
