"""The sheets and columns of the import workbooks and the results workbook (INTERFACES.md).

Keys are the same in every language; labels and help texts exist in English ("en") and
Simplified Chinese ("zh"). Everything here is data: templates, the reader and the writer
all read it, so a column is described once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES = ("en", "zh")

# Enumerations the import accepts; keys as stored, values (en label, zh label).
GROUPS = {"startup": ("Start-up", "初创组"), "growth": ("Growth", "成长组")}
CATEGORIES = {
    "invention": ("Invention", "发明专利"),
    "design": ("Design", "外观设计"),
    "ic_layout": ("IC layout design", "集成电路布图设计"),
}
APPLICANT_TYPES = {
    "enterprise": ("Enterprise", "企业"),
    "university": ("University", "高校"),
    "institute": ("Research institute", "科研院所"),
    "individual": ("Individual", "个人"),
}
REGIONS = {
    "guangdong": ("Guangdong", "广东"),
    "hong_kong": ("Hong Kong", "香港"),
    "macao": ("Macao", "澳门"),
    "mainland_other": ("Other mainland province", "内地其他省市"),
    "overseas": ("Overseas", "境外"),
}
PATENT_KINDS = {
    "invention": ("Invention", "发明"),
    "utility_model": ("Utility model", "实用新型"),
    "design": ("Design", "外观设计"),
    "ic_layout": ("IC layout design", "集成电路布图设计"),
}
PATENT_STATUSES = {
    "granted": ("Granted", "已授权"),
    "pending": ("Pending", "审查中"),
    "lapsed": ("Lapsed", "已失效"),
}

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
    """

    key: str
    type: str
    required: bool = False
    needed: bool = False
    help_en: str = ""
    help_zh: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    help_en: str = ""
    help_zh: str = ""
    examples: tuple[tuple, ...] = field(default=())

    def column(self, key: str) -> Column | None:
        for col in self.columns:
            if col.key == key:
                return col
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def _col(key, type_, *, required=False, needed=None, en="", zh=""):
    return Column(key, type_, required, required if needed is None else needed, en, zh)


_ENTRY_COLUMNS = (
    _col("entry_code", "code", needed=False,
         en="Entry code. Blank: one is generated, and the patents sheet can then give only "
            "the entry's core patent (a row with blank entry_code). Fill it to list the "
            "whole portfolio or to update an entry imported before.",
         zh="作品编号。留空则自动生成，此时 patents 表只能给出其核心专利（entry_code 留空的行）；"
            "填写后可列出全部专利，或更新已导入的作品。"),
    _col("title", "text", required=True, en="Project title.", zh="项目名称。"),
    _col("group", "enum", required=True,
         en="Group: startup (revenue at most RMB 20 m, and every university or institute) "
            "or growth.",
         zh="组别：startup 初创组（上年营收不超过2000万元，高校和科研院所均为初创组）或 growth 成长组。"),
    _col("category", "enum", required=True,
         en="Category: invention, design or ic_layout.",
         zh="类别：invention 发明、design 外观设计、ic_layout 集成电路布图设计。"),
    _col("track", "enum", needed=False,
         en="Industry track (key as configured for the edition).",
         zh="产业赛道（按本届配置的代码填写）。"),
    _col("applicant", "text", required=True,
         en="Applicant: the right holder of the core patent.",
         zh="参赛主体：核心专利的权利人。"),
    _col("applicant_type", "enum", required=True,
         en="enterprise, university, institute or individual.",
         zh="主体类型：enterprise 企业、university 高校、institute 科研院所、individual 个人。"),
    _col("region", "enum", required=True,
         en="guangdong, hong_kong, macao, mainland_other or overseas.",
         zh="地区：guangdong 广东、hong_kong 香港、macao 澳门、mainland_other 内地其他省市、overseas 境外。"),
    _col("contact_email", "email", needed=False,
         en="Contact email of the entrant.", zh="联系人邮箱。"),
    _col("core_patent", "text", required=True,
         en="Number of the core patent; it must also be listed in the patents sheet.",
         zh="核心专利号；该专利也须列在 patents 表中。"),
    _col("summary", "longtext", needed=False, en="Short summary of the project.",
         zh="项目简介。"),
)


def _patent_columns(in_entries: bool):
    return (
        _col("entry_code", "code", needed=in_entries,
             en="Entry code of the entries row this patent belongs to. Blank only for the "
                "core patent of an entry whose entry_code is blank."
             if in_entries else "Entry code (optional when uploading into one entry).",
             zh="所属作品编号（与 entries 表一致）。仅当作品编号留空时，其核心专利行可留空。"
             if in_entries else "作品编号（上传到单个作品时可留空）。"),
        _col("patent_number", "text", required=True,
             en="Patent or application number as written, e.g. ZL201710601862.3, "
                "CN112345678B, US10123456B2. Full-width digits and spaces are accepted.",
             zh="专利号或申请号，如 ZL201710601862.3、CN112345678B、US10123456B2；可含全角数字和空格。"),
        _col("jurisdiction", "text", needed=False,
             en="CN, HK, MO, WO, US, EP, JP, KR ... (blank: read from the number).",
             zh="法域：CN、HK、MO、WO、US、EP、JP、KR 等（留空则从号码判断）。"),
        _col("kind", "enum", needed=False,
             en="invention, utility_model, design or ic_layout (blank: read from the number).",
             zh="类型：invention 发明、utility_model 实用新型、design 外观设计、ic_layout 布图设计（留空则从号码判断）。"),
        _col("title", "text", needed=False, en="Title of the patent.", zh="专利名称。"),
        _col("status", "enum", required=True, en="granted, pending or lapsed.",
             zh="法律状态：granted 已授权、pending 审查中、lapsed 已失效。"),
        _col("filing_date", "date", needed=False,
             en="Filing date: an Excel date or YYYY-MM-DD.", zh="申请日：Excel 日期或 YYYY-MM-DD。"),
        _col("grant_date", "date", needed=False,
             en="Grant date: an Excel date or YYYY-MM-DD.", zh="授权日：Excel 日期或 YYYY-MM-DD。"),
        _col("holder", "text", needed=False,
             en="Right holder (the first one if several).", zh="专利权人（多个时填第一权利人）。"),
    )


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

_SCHEMAS: dict[str, tuple[SheetSpec, ...]] = {
    "entries": (
        SheetSpec("entries", _ENTRY_COLUMNS,
                  "One row per entry (a project built around a patent portfolio).",
                  "每行一个参赛作品（以专利组合为核心的项目）。", (_EXAMPLE_ENTRY,)),
        SheetSpec("patents", _patent_columns(True),
                  "One row per patent of an entry; the entry's core patent must be among them.",
                  "每行一件专利；作品的核心专利必须在其中。", _EXAMPLE_PATENTS),
    ),
    "patents": (
        SheetSpec("patents", _patent_columns(False),
                  "One row per patent of the entry's portfolio.",
                  "每行一件专利（本作品的专利组合）。", _EXAMPLE_PATENTS),
    ),
    "judges": (
        SheetSpec("judges", (
            _col("email", "email", required=True, en="The judge's sign-in email.",
                 zh="评委登录邮箱。"),
            _col("name", "text", required=True, en="Full name.", zh="姓名。"),
            _col("organisation", "text", needed=False,
                 en="Employer; entries of the same organisation are never assigned to "
                    "this judge.", zh="工作单位；不会分配同单位的作品。"),
            _col("region", "enum", needed=False,
                 en="guangdong, hong_kong, macao, mainland_other or overseas.",
                 zh="地区：guangdong、hong_kong、macao、mainland_other、overseas。"),
            _col("expertise", "list", needed=False,
                 en="Tracks of expertise, separated by ';'.", zh="擅长赛道，多个用 ; 分隔。"),
            _col("max_load", "int", needed=False,
                 en="Most entries this judge takes in a round (blank: no personal cap).",
                 zh="每轮最多评审作品数（留空则不设个人上限）。"),
        ), "One row per judge.", "每行一位评委。",
            (("EXAMPLE: li.wei@example.edu.hk", "Li Wei", "Example University", "hong_kong",
              "semiconductors; artificial_intelligence", 40),)),
    ),
    "conflicts": (
        SheetSpec("conflicts", (
            _col("judge_email", "email", required=True, en="Email of the judge.",
                 zh="评委邮箱。"),
            _col("entry_code", "code", needed=True,
                 en="Entry code; blank with organisation filled: every entry of that "
                    "applicant.", zh="作品编号；留空并填写 organisation 时，回避该单位的全部作品。"),
            _col("organisation", "text", needed=False,
                 en="Applicant organisation (used when entry_code is blank).",
                 zh="参赛单位（entry_code 留空时使用）。"),
            _col("reason", "text", required=True,
                 en="Why the judge must not score it (kept in the audit log).",
                 zh="回避原因（记入审计日志）。"),
        ), "One row per conflict of interest.", "每行一条利益冲突（回避）。",
            (("EXAMPLE: li.wei@example.edu.hk", "", "Example Tech Ltd", "former employer"),)),
    ),
    "scores": (
        SheetSpec("scores", (
            _col("round", "key", required=True, en="Round key, e.g. preliminary.",
                 zh="轮次代码，如 preliminary。"),
            _col("sheet", "key", required=True, en="Score sheet key, e.g. expert_review.",
                 zh="评分表代码，如 expert_review。"),
            _col("entry_code", "code", required=True, en="Entry code.", zh="作品编号。"),
            _col("judge_email", "email", required=True, en="Email of the judge.",
                 zh="评委邮箱。"),
            _col("criterion", "key", required=True, en="Criterion key, e.g. advancement.",
                 zh="评分项代码，如 advancement。"),
            _col("score", "number", required=True,
                 en="Points for this criterion (0 to the criterion's maximum, on its step).",
                 zh="该评分项得分（0 至满分，按步长）。"),
            _col("comment", "longtext", needed=False, en="Comment on the entry (optional).",
                 zh="评语（可选）。"),
        ), "One row per criterion score; the rows of one judge and entry form a sheet.",
            "每行一个评分项得分；同一评委、同一作品的各行组成一张评分表。",
            (("EXAMPLE", "expert_review", "GBA-0001", "li.wei@example.edu.hk", "advancement",
              21, "clear technical lead"),)),
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


def text(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def column_help(col: Column, lang: str) -> str:
    return col.help_zh if lang == "zh" else col.help_en


# ---------------------------------------------------------------- results workbook

RESULT_SHEETS = ("summary", "ranking", "criteria", "scores", "judges", "reliability",
                 "assignments", "rubric")
STATISTICS_SHEET = "statistics"

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
}

SHEET_LABELS = {
    "summary": ("Edition, round, method, counts, warnings and this legend",
                "届次、轮次、方法、数量、警告和本说明"),
    "ranking": ("One row per entry, ranked within its group", "每个作品一行，组内排名"),
    "criteria": ("Per entry and criterion", "每个作品每个评分项"),
    "scores": ("Every submitted criterion score (can be imported again)",
               "每个已提交的评分项得分（可再次导入）"),
    "judges": ("Per judge statistics", "评委统计"),
    "reliability": ("How reliable the scoring was", "评分可靠性"),
    "assignments": ("Which judge scores which entry", "评审分配"),
    "rubric": ("The rubric and method settings used", "评分细则与方法设置"),
    "statistics": ("Entries, advancement and awards by region, applicant type, track and "
                   "category", "按地区、主体类型、赛道和类别统计参赛、晋级与获奖"),
}

# Labels of result and import columns (en, zh). Unknown keys show the key itself.
COLUMN_LABELS = {
    "rank": ("Rank within the group", "组内排名"),
    "group": ("Group", "组别"),
    "category": ("Category", "类别"),
    "track": ("Track", "赛道"),
    "entry_code": ("Entry code", "作品编号"),
    "title": ("Title", "名称"),
    "applicant": ("Applicant (empty in a blind round)", "参赛主体（盲评轮次留空）"),
    "applicant_type": ("Applicant type", "主体类型"),
    "region": ("Region", "地区"),
    "adjusted_score": ("Adjusted score: what an average judge would have given",
                       "校正分：一位平均尺度评委会给出的分数"),
    "raw_mean": ("Raw mean of the judges' totals", "评委总分的原始平均"),
    "n_judges": ("Number of judges", "评委人数"),
    "rank_low": ("Best rank in the 90 % interval", "90% 区间内最好名次"),
    "rank_high": ("Worst rank in the 90 % interval", "90% 区间内最差名次"),
    "score_low": ("Lower end of the 90 % score interval", "90% 分数区间下限"),
    "score_high": ("Upper end of the 90 % score interval", "90% 分数区间上限"),
    "p_advance": ("Probability of being above the cut", "位于晋级线以上的概率"),
    "flags": ("Flags raised for the organiser", "提示标记"),
    "decision": ("Decision (advanced, award, ...)", "决定（晋级、奖项等）"),
    "round": ("Round", "轮次"),
    "sheet": ("Score sheet", "评分表"),
    "judge_email": ("Judge email", "评委邮箱"),
    "criterion": ("Criterion", "评分项"),
    "score": ("Score (points)", "得分"),
    "comment": ("Comment", "评语"),
    "status": ("Status", "状态"),
    "mean": ("Mean", "平均"),
    "median": ("Median", "中位数"),
    "sd": ("Standard deviation", "标准差"),
    "n": ("Count", "数量"),
    "max_points": ("Maximum points", "满分"),
    "weight": ("Weight", "权重"),
    "sheet_weight": ("Weight of the sheet in the round", "评分表在本轮的权重"),
    "step": ("Step", "步长"),
    "label": ("Label", "名称"),
    "label_zh_hans": ("Label in Simplified Chinese", "简体中文名称"),
    "label_zh_hant": ("Label in Traditional Chinese", "繁体中文名称"),
    "descriptors": ("Score band descriptors", "分档说明"),
    "ratings": ("Ratings", "评分数"),
    "leniency": ("Leniency (points)", "宽严度（分）"),
    "leniency_se": ("Standard error of leniency", "宽严度标准误"),
    "spread": ("Spread of the judge's totals", "评委总分离散度"),
    "consensus_r": ("Correlation with the consensus", "与共识的相关系数"),
    "downweighted": ("Share of down-weighted ratings", "被降权评分比例"),
    "measure": ("Measure", "指标"),
    "value": ("Value", "数值"),
    "note": ("Note", "说明"),
    "dimension": ("Dimension", "维度"),
    "entries": ("Entries", "参赛作品数"),
    "eligible": ("Eligible", "通过资格审查"),
    "advanced": ("Advanced", "晋级"),
    "awards": ("Awards", "获奖"),
    "email": ("Email", "邮箱"),
    "name": ("Name", "姓名"),
    "organisation": ("Organisation", "单位"),
    "expertise": ("Expertise", "擅长赛道"),
    "max_load": ("Maximum load", "评审上限"),
    "reason": ("Reason", "原因"),
    "patent_number": ("Patent number", "专利号"),
    "jurisdiction": ("Jurisdiction", "法域"),
    "kind": ("Kind", "类型"),
    "filing_date": ("Filing date", "申请日"),
    "grant_date": ("Grant date", "授权日"),
    "holder": ("Right holder", "专利权人"),
    "core_patent": ("Core patent", "核心专利"),
    "contact_email": ("Contact email", "联系邮箱"),
    "summary": ("Summary", "简介"),
}


def column_label(key: str, lang: str) -> str:
    pair = COLUMN_LABELS.get(key)
    if pair is None:
        return key
    return text(pair, lang)
