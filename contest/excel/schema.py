"""The sheets and columns of the import workbooks and the results workbook (INTERFACES.md).

Keys are the same in every language. Labels, notes and help texts are message ids of the
one catalogue (contest.i18n), rendered in the workbook's language: `workbook.col.KEY`,
`workbook.sheet.NAME`, `workbook.about.KIND.SHEET`, `workbook.help.KIND.SHEET.COLUMN` and
`workbook.enum.COLUMN.KEY`. Everything here is data: templates, the reader and the writer
all read it, so a column is described once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contest import i18n

# Enumerations the import accepts: keys as stored; their labels (workbook.enum.COLUMN.KEY),
# accepted in every language, are in the catalogue.


def _enum(column: str, *keys: str) -> dict[str, str]:
    return {key: f"workbook.enum.{column}.{key}" for key in keys}


GROUPS = _enum("group", "startup", "growth")
CATEGORIES = _enum("category", "invention", "design", "ic_layout")
APPLICANT_TYPES = _enum("applicant_type", "enterprise", "university", "institute", "individual")
REGIONS = _enum("region", "guangdong", "hong_kong", "macao", "mainland_other", "overseas")
PATENT_KINDS = _enum("kind", "invention", "utility_model", "design", "ic_layout")
PATENT_STATUSES = _enum("status", "granted", "pending", "lapsed")

# Other spellings people type, mapped to the key (after lower-casing and turning spaces
# and hyphens into underscores).
ALIASES = {
    "start_up": "startup",
    "macau": "macao",
    "hk": "hong_kong",
    "mainland": "mainland_other",
    "other_mainland": "mainland_other",
    "research_institute": "institute",
    "company": "enterprise",
    "ic": "ic_layout",
    "ic_layout_design": "ic_layout",
    "utility": "utility_model",
    "granted_patent": "granted",
    "申请中": "pending",
    "授权": "granted",
    "失效": "lapsed",
    "海外": "overseas",
    "发明": "invention",
    "研究院所": "institute",
    "科研机构": "institute",
    "大学": "university",
}

ENUMS = {
    "group": GROUPS,
    "category": CATEGORIES,
    "applicant_type": APPLICANT_TYPES,
    "region": REGIONS,
    "kind": PATENT_KINDS,
    "status": PATENT_STATUSES,
}

# Example rows: the import skips a row whose first cell starts with one of these.
EXAMPLE_MARKERS = ("EXAMPLE", "示例")


@dataclass(frozen=True)
class Column:
    """One column of an import sheet.

    `type` is one of text, longtext, code, key, email, enum, date, int, number, list
    (a key is folded like an enumeration value: "Expert Review" reads expert_review).
    `needed` means the header must be present; `required` means every row needs a value.
    `help` is the message id of its explanation.
    """

    key: str
    type: str
    required: bool = False
    needed: bool = False
    help: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    help: str = ""  # message id
    examples: tuple[tuple, ...] = field(default=())

    def column(self, key: str) -> Column | None:
        for col in self.columns:
            if col.key == key:
                return col
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def _sheet(kind: str, name: str, columns, examples=()) -> SheetSpec:
    """A sheet whose help texts are the catalogue's workbook.about/help ids for it; columns
    are (key, type, required, needed)."""
    return SheetSpec(name, tuple(Column(key, type_, required, needed, f"workbook.help.{kind}.{name}.{key}")
                                 for key, type_, required, needed in columns),
                     f"workbook.about.{kind}.{name}", tuple(examples))


_EXAMPLE_ENTRY = (
    "EXAMPLE-1", "Low-power sensor chip portfolio", "startup", "invention", "", "Example Tech Ltd",
    "enterprise", "hong_kong", "contact@example.com", "ZL201710601862.3",
    "An example row: the import skips rows whose first cell starts with EXAMPLE.",
)
_EXAMPLE_PATENTS = (
    ("EXAMPLE-1", "ZL201710601862.3", "CN", "invention", "Low-power sensing circuit",
     "granted", "2017-07-21", "2021-03-02", "Example Tech Ltd"),
    ("EXAMPLE-1", "95115608.X", "CN", "invention", "Signal amplifier", "granted",
     "1995-09-01", "2000-05-17", "Example Tech Ltd"),
)


def _patent_columns(in_entries: bool) -> tuple:
    """The patents sheet; in the entries workbook its entry_code column must be present."""
    return (
        ("entry_code", "code", False, in_entries),
        ("patent_number", "text", True, True),
        ("jurisdiction", "text", False, False),
        ("kind", "enum", False, False),
        ("title", "text", False, False),
        ("status", "enum", True, True),
        ("filing_date", "date", False, False),
        ("grant_date", "date", False, False),
        ("holder", "text", False, False),
    )


_SCHEMAS: dict[str, tuple[SheetSpec, ...]] = {
    'entries': (
        _sheet('entries', 'entries', (
            ('entry_code', 'code', False, False),
            ('title', 'text', True, True),
            ('group', 'enum', True, True),
            ('category', 'enum', True, True),
            ('track', 'enum', False, False),
            ('applicant', 'text', True, True),
            ('applicant_type', 'enum', True, True),
            ('region', 'enum', True, True),
            ('contact_email', 'email', False, False),
            ('core_patent', 'text', True, True),
            ('summary', 'longtext', False, False),
        ), (_EXAMPLE_ENTRY,)),
        _sheet('entries', 'patents', _patent_columns(in_entries=True), _EXAMPLE_PATENTS),
    ),
    'patents': (
        _sheet('patents', 'patents', _patent_columns(in_entries=False), _EXAMPLE_PATENTS),
    ),
    'judges': (
        _sheet('judges', 'judges', (
            ('email', 'email', True, True),
            ('name', 'text', True, True),
            ('organisation', 'text', False, False),
            ('region', 'enum', False, False),
            ('expertise', 'list', False, False),
            ('max_load', 'int', False, False),
        ), (("EXAMPLE: li.wei@example.edu.hk", "Li Wei", "Example University", "hong_kong",
              "semiconductors; artificial_intelligence", 40),)),
    ),
    'conflicts': (
        _sheet('conflicts', 'conflicts', (
            ('judge_email', 'email', True, True),
            ('entry_code', 'code', False, True),
            ('organisation', 'text', False, False),
            ('reason', 'text', True, True),
        ), (('EXAMPLE: li.wei@example.edu.hk', '', 'Example Tech Ltd', 'former employer'),)),
    ),
    'scores': (
        _sheet('scores', 'scores', (
            ('round', 'key', True, True),
            ('sheet', 'key', True, True),
            ('entry_code', 'code', True, True),
            ('judge_email', 'email', True, True),
            ('criterion', 'key', True, True),
            ('score', 'number', True, True),
            ('comment', 'longtext', False, False),
        ), (("EXAMPLE", "expert_review", "GBA-0001", "li.wei@example.edu.hk", "advancement", 21,
              "clear technical lead"),)),
    ),
}

KINDS = tuple(_SCHEMAS)


def sheets_for(kind: str) -> tuple[SheetSpec, ...]:
    """The sheets an import workbook of `kind` holds, in order."""
    try:
        return _SCHEMAS[kind]
    except KeyError:
        raise ValueError(f"unknown workbook kind {kind!r}; expected one of "
                         f"{', '.join(KINDS)}") from None


def column_help(col: Column, language: str) -> str:
    return i18n.text(col.help, language) if col.help else ""


def sheet_help(spec: SheetSpec, language: str) -> str:
    return i18n.text(spec.help, language) if spec.help else ""


# ---------------------------------------------------------------- results workbook

RESULT_SHEETS = ("summary", "ranking", "criteria", "scores", "judges", "reliability",
                 "assignments", "rubric")
STATISTICS_SHEET = "statistics"
INTEREST_SHEET = "interest"  # observers' interest in entries (matchmaking), after statistics

# Columns each results sheet must hold, in this order (more may follow).
RESULT_REQUIRED = {
    "ranking": ("rank", "group", "category", "entry_code", "title", "applicant",
                "adjusted_score", "raw_mean", "n_judges", "rank_low", "rank_high", "flags",
                "decision"),
    "criteria": ("group", "entry_code", "sheet", "criterion"),
    "scores": ("round", "sheet", "entry_code", "judge_email", "criterion", "score",
               "comment"),
    "judges": ("judge_email",),
    "reliability": (),
    "assignments": ("round", "entry_code", "judge_email", "status"),
    "rubric": (),
    "statistics": ("dimension", "value"),
    "interest": ("entry_code", "title", "observer_organisation", "kind", "status", "created_at",
                 "responded_at"),
}


def _known(message_id: str) -> bool:
    return i18n.template_for(message_id, i18n.DEFAULT_LANGUAGE) != message_id


def sheet_label(name: str, language: str) -> str:
    """What a results sheet holds, in a language (the name itself when unknown)."""
    message_id = f"workbook.sheet.{name}"
    return i18n.text(message_id, language) if _known(message_id) else name


def column_label(key: str, language: str) -> str:
    """A result or import column in words, in a language; unknown keys show the key itself."""
    message_id = f"workbook.col.{key}"
    return i18n.text(message_id, language) if _known(message_id) else key


def enum_label(column: str, key: str, language: str) -> str:
    return i18n.text(f"workbook.enum.{column}.{key}", language)
