"""A realistic demo edition: entrants with patent portfolios and PDFs, a judge pool,
preliminary assignments and part of the scores submitted."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlmodel import Session, select

from contest import assignment, auth, organisations, patents, scoring
from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    Category,
    ContestGroup,
    Criterion,
    CriterionScore,
    Decision,
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
from contest.services import accounts, conflicts, editions, panels, storage

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


def _portfolio(rng: random.Random, category: str, applicant: str, region: str, cutoff: date) -> list[dict]:
    """5-12 patents, the first the granted core patent of the category's kind."""
    kinds = {"invention": (1, "invention"), "design": (3, "design"), "ic_layout": (1, "invention")}
    type_digit, core_kind = kinds[category]
    out = []
    n = rng.randint(5, 12)
    for i in range(n):
        if i == 0:
            year, t, kind = rng.randint(2019, 2022), type_digit, core_kind
        else:
            t = rng.choice([1, 1, 1, 2, 3])
            kind = {1: "invention", 2: "utility_model", 3: "design"}[t]
            year = rng.randint(2015, 2024)
        number = _cn_number(rng, year, t)
        if i > 0 and region in ("hong_kong", "macao") and (i == 1 or rng.random() < 0.25):
            number = f"HK{rng.randrange(1_000_000, 9_999_999)}" if region == "hong_kong" else f"I/{rng.randrange(1000, 9999)}"
            kind = "invention"
        filing = date(year, rng.randint(1, 12), rng.randint(1, 28))
        grant = max(filing + timedelta(days=rng.randint(300, 900)), cutoff + timedelta(days=rng.randint(1, 600))) if i == 0 else (
            filing + timedelta(days=rng.randint(300, 1200)))
        status = "granted" if i == 0 or rng.random() < 0.8 else "pending"
        parsed = patents.parse_patent_number(number)
        out.append({
            "number": number, "normalised": parsed.normalised, "jurisdiction": parsed.jurisdiction or "",
            "kind": core_kind if (i == 0 and category == "ic_layout") else kind,
            "status": status, "filing_date": filing, "grant_date": grant if status == "granted" else None,
            "holder": applicant, "is_core": i == 0,
        })
    return out


def build_demo(
    *,
    session: Session,
    entries: int = 60,
    judges: int = 15,
    seed: int = 7,
    scored_share: float = 0.6,
    progress: Callable[[float, str], None] | None = None,
) -> DemoLogins:
    """Build the demo edition; returns the logins to print."""
    rng = random.Random(seed)
    step = progress or (lambda _f, _m: None)
    step(0.02, "edition")
    edition = editions.create_edition(session=session, actor=None, name="GBA High Value Patent Portfolio Contest (demo)")
    now = utcnow()
    edition.opens_at = now - timedelta(days=60)
    edition.submission_deadline = now + timedelta(days=14)
    edition.closes_at = now + timedelta(days=120)
    session.add(edition)
    result = DemoLogins(edition_slug=edition.slug)
    suffix = f"{edition.id}" if edition.id > 1 else ""

    def email(local: str) -> str:
        return f"{local}{suffix}@demo.example.org"

    hashes = {role: auth.hash_password(pw) for role, pw in DEMO_PASSWORDS.items()}  # one slow hash per role

    def person(local: str, role: Role, name: str, organisation: str = ""):
        user = accounts.create_user(session=session, email=email(local), name=name, roles=[role],
                                    password_hash=hashes[role], organisation=organisation, commit=False)
        result.logins.append((role.value, user.email, DEMO_PASSWORDS[role]))
        return user

    organiser = person("organiser", Role.organiser, "Grace Office (contest office)", "GBA Contest Office")
    person("observer", Role.observer, "Victor Invest", "Greater Bay Angel Network")

    groups = {g.key: g for g in session.exec(select(ContestGroup).where(ContestGroup.edition_id == edition.id))}
    categories = {c.key: c for c in session.exec(select(Category).where(Category.edition_id == edition.id))}
    tracks = list(session.exec(select(Track).where(Track.edition_id == edition.id).order_by(Track.position)))
    rounds = {r.key: r for r in session.exec(select(Round).where(Round.edition_id == edition.id))}
    prelim = rounds["preliminary"]
    prelim.opens_at = now - timedelta(days=3)
    prelim.closes_at = now + timedelta(days=21)
    # The preset advances the top 100 of each group; a demo-sized field needs a real cut.
    prelim.advancement_value = max(3, entries // 6)
    session.add(prelim)

    step(0.1, "judges")
    judge_users = []
    for j in range(judges):
        org, region = _JUDGE_ORGS[j % len(_JUDGE_ORGS)]
        name = f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}"
        user = person(f"judge{j + 1:02d}", Role.judge, name, org)
        user.confidentiality_ack_at = now  # demo judges have accepted the undertaking (shown at a first sign-in)
        expertise = sorted({tracks[(j * 2) % len(tracks)].key, tracks[(j * 2 + 1) % len(tracks)].key})
        session.add(JudgeProfile(edition_id=edition.id, user_id=user.id, organisation=org, region=region,
                                 expertise=expertise, max_load=None))
        judge_users.append(user)

    step(0.2, "entries")
    applicants = [(c, r, n, "enterprise") for c, r, n in _COMPANIES] + list(_UNIVERSITIES)
    entry_rows = []
    for i in range(entries):
        city, region, applicant, applicant_type = applicants[i % len(applicants)]
        owner_name = f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}"
        owner = person(f"entrant{i + 1:02d}", Role.entrant, owner_name, applicant)
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
        for pos, p in enumerate(_portfolio(rng, category, applicant, region, edition.core_patent_cutoff)):
            session.add(Patent(entry_id=entry.id, title=f"{topic} – part {pos + 1}", position=pos, **p))
        pdf = demo_pdf(f"{topic}: analysis and evaluation report",
                       [f"Project: {topic}", f"Track: {track.label}", "1. Technology and its advancement",
                        "2. Patent landscape and competitors", "3. Portfolio layout", "4. Market prospects",
                        "5. Commercialisation plan", "6. Problems found and remedies"])
        storage.store_document(session=session, entry_id=entry.id, data=pdf, filename="evaluation_report.pdf",
                               kind="report", uploaded_by=owner.id, max_bytes=10 * 1024 * 1024)
        entry_rows.append(entry)

    step(0.45, "eligibility")
    organiser_id = organiser.id
    for n, entry in enumerate(entry_rows):
        if n % 20 == 19:
            entry.status = EntryStatus.draft.value
        elif n % 20 == 13:
            entry.status = EntryStatus.ineligible.value
            entry.submitted_at = now - timedelta(days=10)
            entry.eligibility_reason = "The core patent was granted before the cut-off date."
            session.add(Decision(edition_id=edition.id, entry_id=entry.id, round_id=rounds["eligibility"].id,
                                 kind="eligibility", outcome="ineligible", reason=entry.eligibility_reason,
                                 decided_by=organiser_id))
        else:
            entry.status = EntryStatus.eligible.value
            entry.submitted_at = now - timedelta(days=rng.randint(8, 30))
            entry.current_round_id = prelim.id
            session.add(Decision(edition_id=edition.id, entry_id=entry.id, round_id=rounds["eligibility"].id,
                                 kind="eligibility", outcome="eligible", decided_by=organiser_id))
        session.add(entry)
    session.flush()

    step(0.55, "assignment")
    eligible = [e for e in entry_rows if e.status == EntryStatus.eligible.value]
    track_key = {t.id: t.key for t in tracks}
    profiles = {p.user_id: p for p in session.exec(select(JudgeProfile).where(JudgeProfile.edition_id == edition.id))}
    judge_specs = [
        assignment.JudgeSpec(id=u.id, organisation=organisations.normalise_organisation(profiles[u.id].organisation),
                             expertise=frozenset(profiles[u.id].expertise), max_load=None)
        for u in judge_users
    ]
    entry_specs = [assignment.EntrySpec(id=e.id, track=track_key[e.track_id]) for e in eligible]
    # Conflicts first (a demo judge works for one of the applicants), then the assignment avoids them.
    conflicts.detect_conflicts(session=session, actor=accounts.actor_for(session, organiser), edition_id=edition.id)
    forbidden = panels.forbidden_pairs(session, edition.id, eligible, same_region=False)
    solved = assignment.assign_judges(entry_specs, judge_specs, per_entry=prelim.judges_per_entry,
                                      forbidden=forbidden, seed=seed)
    for judge_id, entry_id in solved.pairs:
        session.add(Assignment(round_id=prelim.id, entry_id=entry_id, judge_id=judge_id, source="automatic"))
    session.flush()

    step(0.7, "scores")
    sheets = {s.category_id: s for s in session.exec(select(SheetDefinition).where(SheetDefinition.round_id == prelim.id))}
    criteria = {
        sid: list(session.exec(select(Criterion).where(Criterion.sheet_id == sid).order_by(Criterion.position)))
        for sid in {s.id for s in sheets.values()}
    }
    quality = {e.id: rng.gauss(0.68, 0.12) for e in eligible}
    leniency = {u.id: rng.gauss(0.0, 0.06) for u in judge_users}
    category_of = {e.id: e.category_id for e in eligible}
    for judge_id, entry_id in solved.pairs:
        roll = rng.random()
        if roll > scored_share + 0.1:
            continue  # not started yet
        sheet = sheets[category_of[entry_id]]
        crit = criteria[sheet.id]
        values = {}
        for c in crit:
            share = min(max(quality[entry_id] + leniency[judge_id] + rng.gauss(0, 0.07), 0.05), 1.0)
            values[c.key] = round(share * c.max_points / c.step) * c.step
        specs = [scoring.CriterionSpec(key=c.key, label=c.label, max_points=c.max_points, step=c.step, weight=c.weight)
                 for c in crit]
        submitted = roll <= scored_share
        score_sheet = ScoreSheet(
            round_id=prelim.id, sheet_id=sheet.id, entry_id=entry_id, judge_id=judge_id,
            status=SheetStatus.submitted.value if submitted else SheetStatus.draft.value,
            total=scoring.sheet_total(specs, values) if submitted else None,
            submitted_at=now - timedelta(hours=rng.randint(1, 60)) if submitted else None,
            comment="Strong core patent; the layout around it is thin." if submitted else "",
        )
        session.add(score_sheet)
        session.flush()
        for c in crit:
            session.add(CriterionScore(score_sheet_id=score_sheet.id, criterion_id=c.id, value=values[c.key]))
    step(0.95, "saving")
    session.commit()
    step(1.0, "done")
    return result


def demo_exists(*, session: Session) -> bool:
    return session.exec(select(Edition.id)).first() is not None
