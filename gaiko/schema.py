"""The annotation schema: the single source of truth for labels, event types, roles and realis.

The Label Studio config, the Hugging Face features, the validators and the label tables of the
docs are all generated from the tables below; nothing else in the project spells a label out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityType:
    name: str
    description: str
    color: str
    coref: bool  # mentions of this type carry a corpus-wide canonical entity id


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    color: str


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    entity_types: tuple[str, ...]  # the entity types an argument with this role may point to


ENTITY_TYPES: tuple[EntityType, ...] = (
    EntityType("PERSON", "A named person (プーチン, 金正恩, ウラジーミル・プーチン).", "#e6194b", True),
    EntityType("ORG", "An organization: government body, armed force, news agency, party, company, "
               "international organization (ロシア大統領府, 朝鮮中央通信, 国連安全保障理事会).", "#3cb44b", True),
    EntityType("GPE", "A geo-political entity: country, city, province, including one-character "
               "abbreviations (ロシア, 平壌, 露 and 朝 in 露朝).", "#4363d8", True),
    EntityType("LOC", "A non-political location: region, sea, peninsula (朝鮮半島, 東北アジア).", "#f58231", True),
    EntityType("FAC", "A facility: building, airport, palace, base (クレムリン as a place, 順安国際空港).",
               "#911eb4", True),
    EntityType("EVENT", "A named event (特別軍事作戦, 民族統一の日, 冷戦).", "#46f0f0", True),
    EntityType("LAW", "A named treaty, agreement, law or resolution (包括的戦略パートナーシップ条約).",
               "#f032e6", True),
    EntityType("PRODUCT", "A named product, vehicle or weapon model (アウルス, IL-96).", "#bcf60c", True),
    EntityType("TITLE", "A position or job title (大統領, 外相, 総書記, 報道官).", "#fabebe", False),
    EntityType("DATE", "A date, or a period of a day or longer, absolute or relative (2024年6月19日, 同日, 24年ぶり).",
               "#008080", False),
    EntityType("TIME", "A time of day or a duration under a day (午前2時46分頃, 未明, 約2時間, 1分間).", "#e6beff", False),
    EntityType("QUANTITY", "A count, amount, percentage or ordinal with its counter or unit (1名, 2つ, 二度, 20%).",
               "#9a6324", False),
)

# The 16 PLOVER categories (Halterman et al., PLOVER manual); descriptions follow the manual.
EVENT_TYPES: tuple[EventType, ...] = (
    EventType("AGREE", "Agree to, promise or express intent to cooperate, meet or settle (future cooperation).",
              "#1f77b4"),
    EventType("CONSULT", "Meet, visit, host, telephone or hold talks and negotiations.", "#ff7f0e"),
    EventType("SUPPORT", "Praise, endorse, express support; sign a formal agreement; recognize.", "#2ca02c"),
    EventType("CONCEDE", "Yield, ease restrictions, return, release, apologize.", "#d62728"),
    EventType("COOPERATE", "Engage in ongoing cooperation: economic, military, intelligence, judicial.", "#9467bd"),
    EventType("AID", "Provide material aid: economic, military, humanitarian; supply arms.", "#8c564b"),
    EventType("RETREAT", "Withdraw, back down, de-escalate, demobilize.", "#e377c2"),
    EventType("REQUEST", "Ask, appeal, demand or urge another actor to act.", "#7f7f7f"),
    EventType("ACCUSE", "Accuse, criticize, denounce, blame.", "#bcbd22"),
    EventType("REJECT", "Refuse, reject, deny, veto, oppose.", "#17becf"),
    EventType("THREATEN", "Threaten force, sanctions or other coercion.", "#aec7e8"),
    EventType("PROTEST", "Demonstrate, rally, strike, boycott.", "#ffbb78"),
    EventType("SANCTION", "Impose sanctions, embargoes, break or reduce relations.", "#98df8a"),
    EventType("MOBILIZE", "Mobilize, deploy or send armed forces; military exercises; alerts.", "#ff9896"),
    EventType("COERCE", "Arrest, detain, expel, seize, repress without lethal force.", "#c5b0d5"),
    EventType("ASSAULT", "Use of armed force: attack, invade, fire, bomb, kill.", "#c49c94"),
)

# ERE realis (Song et al. 2015).
REALIS: tuple[tuple[str, str], ...] = (
    ("ACTUAL", "The event happened or is happening."),
    ("GENERIC", "A habitual or general event, not a specific occurrence."),
    ("OTHER", "Planned, expected, requested, hypothetical, denied or uncertain."),
)

ROLES: tuple[Role, ...] = (
    Role("actor", "Who performs the event (PLOVER source).", ("PERSON", "ORG", "GPE")),
    Role("recipient", "Who the event is directed at (PLOVER target).", ("PERSON", "ORG", "GPE")),
    Role("place", "Where the event happens.", ("GPE", "LOC", "FAC")),
    Role("time", "When the event happens.", ("DATE", "TIME")),
)

ENTITY_LABELS: tuple[str, ...] = tuple(t.name for t in ENTITY_TYPES)
EVENT_LABELS: tuple[str, ...] = tuple(t.name for t in EVENT_TYPES)
REALIS_VALUES: tuple[str, ...] = tuple(name for name, _ in REALIS)
ROLE_NAMES: tuple[str, ...] = tuple(r.name for r in ROLES)
COREF_LABELS: frozenset[str] = frozenset(t.name for t in ENTITY_TYPES if t.coref)
ROLE_ENTITY_TYPES: dict[str, frozenset[str]] = {r.name: frozenset(r.entity_types) for r in ROLES}

# BIO tag inventory for the `ner` config: index 0 is O, then B-/I- per entity type in schema order.
BIO_TAGS: tuple[str, ...] = ("O",) + tuple(f"{p}-{name}" for name in ENTITY_LABELS for p in ("B", "I"))

# Canonical entity ids: lower-case ASCII words joined by underscores (vladimir_putin, north_korea).
ENTITY_ID_PATTERN = r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"

# Label ↔ index maps: a label's index is its position in the tables above (the ClassLabel ids of the
# dataset's `ner` and `events` configs); the index → label direction is the tuple itself, or the dicts below.
ENTITY_INDEX: dict[str, int] = {name: i for i, name in enumerate(ENTITY_LABELS)}
EVENT_INDEX: dict[str, int] = {name: i for i, name in enumerate(EVENT_LABELS)}
REALIS_INDEX: dict[str, int] = {name: i for i, name in enumerate(REALIS_VALUES)}
ROLE_INDEX: dict[str, int] = {name: i for i, name in enumerate(ROLE_NAMES)}
BIO_INDEX: dict[str, int] = {tag: i for i, tag in enumerate(BIO_TAGS)}
BIO_BY_INDEX: dict[int, str] = dict(enumerate(BIO_TAGS))
