"""Which pages each role gets. Pages left out of st.navigation cannot be reached by URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from contest.models import Role
from contest.ui.i18n import t

PAGES_DIR = Path(__file__).parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str  # a message id
    icon: str
    url_path: str


# Each role's section; the first page of a person's first role is the default page.
ROLE_PAGES: dict[Role, list[PageSpec]] = {
    Role.organiser: [
        PageSpec("organiser_home.py", "organiser_home.dashboard", ":material/dashboard:", "dashboard"),
        PageSpec("organiser_setup.py", "organiser_setup.edition_set_up", ":material/tune:", "setup"),
        PageSpec("organiser_screening.py", "organiser_screening.eligibility_screening", ":material/fact_check:", "screening"),
        PageSpec("organiser_judges.py", "organiser_judges.judge_pool", ":material/groups:", "judges"),
        PageSpec("organiser_conflicts.py", "navigation.conflicts", ":material/block:", "conflicts"),
        PageSpec("organiser_assignment.py", "organiser_assignment.assignment", ":material/group_add:", "assignment"),
        PageSpec("organiser_progress.py", "organiser_progress.progress", ":material/monitoring:", "progress"),
        PageSpec("organiser_results.py", "organiser_results.results", ":material/leaderboard:", "results"),
        PageSpec("organiser_reliability.py", "organiser_reliability.reliability", ":material/query_stats:", "reliability"),
        PageSpec("organiser_decisions.py", "navigation.decisions", ":material/campaign:", "decisions"),
        PageSpec("organiser_board_control.py", "organiser_board.board_control", ":material/cast:", "board-control"),
        PageSpec("organiser_board.py", "organiser_board.live_board", ":material/tv:", "board"),
        PageSpec("organiser_matches.py", "organiser_matches.matchmaking", ":material/handshake:", "matchmaking"),
        PageSpec("judge_sheets.py", "common.score_sheets", ":material/fact_check:", "sheets"),
        PageSpec("organiser_excel.py", "organiser_excel.excel_import_export", ":material/table_view:", "excel"),
        PageSpec("organiser_audit.py", "organiser_audit.audit_trail", ":material/history:", "audit"),
    ],
    Role.judge: [
        PageSpec("judge_home.py", "judge_home.my_assignments", ":material/assignment:", "assignments"),
        PageSpec("judge_score.py", "judge_score.score_entry", ":material/rate_review:", "score"),
    ],
    Role.entrant: [
        PageSpec("entrant_home.py", "entrant_home.my_entries", ":material/folder_open:", "entries"),
        PageSpec("published_results.py", "published_results.published_results", ":material/campaign:", "published"),
        PageSpec("entrant_entry.py", "navigation.entry_editor", ":material/edit_document:", "entry"),
        PageSpec("entrant_profile.py", "entrant_profile.my_profile", ":material/person:", "profile"),
    ],
    Role.observer: [
        PageSpec("observer_home.py", "observer_home.finalists", ":material/star:", "finalists"),
        PageSpec("published_results.py", "published_results.published_results", ":material/campaign:", "results-published"),
    ],
}

SECTION_TITLES = {
    Role.organiser: "navigation.role_organiser",
    Role.judge: "navigation.role_judge",
    Role.entrant: "navigation.role_entrant",
    Role.observer: "navigation.role_observer",
}

ROLE_ORDER = [Role.organiser, Role.judge, Role.entrant, Role.observer]


def _every_spec() -> list[PageSpec]:
    """Each role page once (a page shared by two roles under two addresses counts twice)."""
    seen: dict[str, PageSpec] = {}
    for role in ROLE_ORDER:
        for spec in ROLE_PAGES[role]:
            seen.setdefault(spec.url_path, spec)
    return list(seen.values())


def stand_ins(page, *, skip: set[str] = frozenset()) -> list[st.Page]:
    """Hidden pages under every role page's address that show `page` instead: a visitor who
    opens /dashboard before signing in gets the sign-in form there, and once signed in the
    same address is the real page (Streamlit names a page by its address)."""
    return [st.Page(page, title=t(spec.title), url_path=spec.url_path, visibility="hidden")
            for spec in _every_spec() if spec.url_path not in skip]


def pages_for(roles: frozenset[str]) -> dict[str, list[st.Page]]:
    """The signed-in person's pages by role. The app root opens their first page by its own
    address (so /dashboard works as a bookmark); addresses of other roles' pages say so
    instead of Streamlit's "page not found"."""
    sections: dict[str, list[st.Page]] = {}
    own: set[str] = set()
    for role in ROLE_ORDER:
        if role.value not in roles:
            continue
        sections[t(SECTION_TITLES[role])] = [
            st.Page(PAGES_DIR / spec.file, title=t(spec.title), icon=spec.icon, url_path=spec.url_path)
            for spec in ROLE_PAGES[role]]
        own |= {spec.url_path for spec in ROLE_PAGES[role]}
    if not sections:
        return {"": [st.Page(_no_role, title=t("navigation.no_role_title"), url_path="home", default=True)]}
    first_section = next(iter(sections.values()))
    first = first_section[0]

    def elsewhere() -> None:
        st.title(t("navigation.not_for_you_title"))
        st.info(t("navigation.not_for_you"))
        st.page_link(first_section[0], label=t("navigation.go_to_first_page", page=first.title),
                     icon=":material/arrow_forward:")

    # The first page is served at the root, and under its own address by a hidden twin, so a
    # bookmark of /dashboard opens it (Streamlit gives the default page no address of its own).
    first_section[0] = st.Page(first._page, title=first.title, icon=first.icon, url_path="home", default=True)
    first_section.append(st.Page(first._page, title=first.title, icon=first.icon, url_path=first.url_path,
                                 visibility="hidden"))
    first_section += stand_ins(elsewhere, skip=own)
    return sections


def _no_role() -> None:
    st.title(t("navigation.no_role_title"))
    st.info(t("navigation.no_role"))


# Pages open to visitors who are not signed in (registration is added by the entrants' work).
PUBLIC_PAGES: list[PageSpec] = [
    PageSpec("invitation.py", "invitation.set_password", ":material/key:", "invite"),
    PageSpec("entrant_register.py", "navigation.register", ":material/person_add:", "register"),
    PageSpec("register_confirm.py", "register_confirm.title", ":material/mark_email_read:", "register_confirm"),
]


# Reached only through a link mailed to the user, so left out of the menu.
LINK_ONLY = {"register_confirm"}


def public_pages() -> list[st.Page]:
    return [
        st.Page(PAGES_DIR / spec.file, title=t(spec.title), icon=spec.icon, url_path=spec.url_path,
                visibility="hidden" if spec.url_path in LINK_ONLY else "visible")
        for spec in PUBLIC_PAGES
    ]
