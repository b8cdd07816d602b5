"""Event-argument linker: the argument rules of the annotation guidelines (§3 Arguments) over a system's
own mentions and triggers.

Participants are read from chains of mentions (adjacent, or joined by ・: ロシア|大統領|プーチン, 北朝鮮・ロシア;
a reading in brackets is passed over), with the particle after the chain (honorifics and designators such
as 氏, 首脳, 側, 間, などの高官 skipped):
- が/は/も mark the actor (not from inside a condition, …すれば、); 「AとBが」 makes both actors, a 、-list
  shares its last member's role; と/に/を/へ mark the recipient and で the place, of the first trigger
  after them only; Xの…に対する/への points at X.
- a chain right before the trigger (露朝|首脳会談, X|の|訪問) is the actor, except for visits and
  attacks, where it is the host or the attacked country: recipient and place (北朝鮮|訪問, ウクライナ|侵攻).
- visits: the visitor is actor, the host country recipient, the most specific location named the place
  (北朝鮮の平壌に到着 → recipient 北朝鮮, place 平壌; 訪朝 names its host); hosting (迎え, 接見, 案内, 招待):
  the host is actor and the guest recipient (AはBとの接見で → actor B; without a guest, the last visitor).
- the noun a relative clause qualifies is its actor (出迎えた金委員長).
- elided and anaphoric participants: a quotation's events take the quoting subject; 両首脳, 両国 and
  countries' 首脳 take the two participants of the last meeting; otherwise the last subject or topic before
  the sentence. An argument taken from elsewhere points to the nearest mention of that entity in the
  trigger's sentence, else before it (プーチン after ウラジーミル・プーチン).
- time and place are the event's own: the nearest DATE/TIME before the trigger in its sentence (a date
  measuring an interval, 24年ぶり or 2019年以来, is not one; 9月の… qualifies the next trigger only), else,
  for a sub-act of an actual meeting reported earlier in the paragraph, the meeting's; never carried
  across paragraphs. A place can follow the trigger (会談がモスクワで行われた).
- in a headline, whose participants are often named only after the trigger, chains after it count too.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from gaiko import schema
from gaiko.baselines.common import Span
from gaiko.text import sentences

# Words between a chain and its particle that do not change who acts: honorifics and designators.
SKIPPED_AFTER_CHAIN = ("同志", "首脳", "両国", "政府間", "間", "当局", "政府", "氏", "さん", "ら", "側", "など", "の高官",
                       "高官")
CONDITION = re.compile(r"(?:ば|たら|なら|場合)、")  # 「AがXすれば、…」: A acts in the condition, not in the main clause
SUBJECT_PARTICLES = ("が", "は", "も")
PARTICLE_ROLE: dict[str, str] = {"と": "recipient", "に": "recipient", "を": "recipient", "へ": "recipient",
                                 "で": "place"}
VISITS = frozenset(("訪問", "訪朝", "訪露", "訪中", "訪米", "訪日", "訪韓", "到着", "訪れ", "入り"))
# Visits whose word names the host country (訪朝: North Korea), with that country's usual surfaces.
VISITED = {"訪朝": ("北朝鮮", "朝", "朝鮮民主主義人民共和国"), "訪露": ("ロシア", "露", "ロ", "ロシア連邦"),
           "訪中": ("中国", "中"), "訪米": ("米国", "米", "アメリカ"), "訪日": ("日本", "日"), "訪韓": ("韓国", "韓")}
TOWARDS = re.compile(r"[^、。「」]{1,6}?(?:に対する|に対し|への)")
RELATIVE = re.compile(r"(?:し|され|して|されて)?(?:た|る|ている|ていた)")
HELD = ("行わ", "開か", "実施")  # 会談がモスクワで行われた: a place named after the trigger
PAIR_ANAPHORA = ("両首脳", "両国", "両者", "両外相", "両氏")
HOSTING = frozenset(("迎え", "出迎え", "接見", "案内", "招待"))
INTERVAL_AFTER = ("以来", "以降", "ぶり", "から", "まで")  # 2019年以来: measures an interval, not the event's time
FRAME_TYPES = frozenset(("CONSULT",))  # events whose time and place their paragraph's next events share
CHAIN_HEAD_ORDER = ("PERSON", "ORG", "GPE", "LOC", "FAC")
PARTICIPANT = schema.ROLE_ENTITY_TYPES["actor"]
PLACE = schema.ROLE_ENTITY_TYPES["place"]
TIME = schema.ROLE_ENTITY_TYPES["time"]


class Chain(NamedTuple):
    mentions: tuple[Span, ...]
    heads: tuple[Span, ...]  # who takes the role: the PERSON of ロシア|大統領|プーチン, both of 北朝鮮・ロシア
    end: int  # after skipped honorifics and designators
    particle: str  # the character after that
    leaders: bool  # 北朝鮮・ロシア首脳: the countries' leaders, who may have been named before


def chains(text: str, spans: list[Span]) -> list[Chain]:
    """Chains of adjacent (or ・-joined) mentions, in text order; a reading in brackets after a mention
    (平壌(ピョンヤン)) is passed over, so that the particle after it counts."""
    out, i = [], 0
    while i < len(spans):
        group, end, j = [spans[i]], spans[i][1], i + 1
        while j < len(spans):
            gap, nxt = text[end:spans[j][0]], spans[j]
            if gap in ("(", "（") and text[nxt[1]:nxt[1] + 1] in (")", "）"):
                end, j = nxt[1] + 1, j + 1  # a gloss: not a participant of its own
            elif gap == "" or (gap == "・" and nxt[2] == group[-1][2]):
                group.append(nxt)
                end, j = nxt[1], j + 1
            else:
                break
        group = tuple(group)
        skipped, leaders = True, False
        while skipped:
            skipped = False
            for word in SKIPPED_AFTER_CHAIN:
                if text.startswith(word, end):
                    end, skipped, leaders = end + len(word), True, leaders or word == "首脳"
        label = next((lab for lab in CHAIN_HEAD_ORDER if any(s[2] == lab for s in group)), None)
        heads = tuple(s for s in group if s[2] == label) if label else ()
        out.append(Chain(group, heads, end, text[end:end + 1], leaders))
        i = j
    return out


def same_entity(a: str, b: str) -> bool:
    """Surface aliases of one entity without ids: equal, or one is the other's last ・-part or first character
    (プーチン / ウラジーミル・プーチン, 金 / 金正恩)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return long_.split("・")[-1] == short or ("・" not in long_ and len(short) == 1 and long_.startswith(short))


def pointer(mentions: list[Span], trigger: tuple[int, int], sentence: tuple[int, int], after: bool) -> Span | None:
    """Which mention of an entity an argument points to: the nearest in the trigger's sentence, else the
    nearest before the trigger, else (`after`) the nearest after it."""
    inside = [s for s in mentions if sentence[0] <= s[0] and s[1] <= sentence[1]]
    if inside:
        return min(inside, key=lambda s: (abs(s[0] - trigger[0]), s[0]))
    before = [s for s in mentions if s[1] <= trigger[0]]
    if before:
        return max(before)
    later = [s for s in mentions if s[0] >= trigger[1]]
    return min(later) if after and later else None


class Frame(NamedTuple):
    paragraph: int
    type: str
    realis: str  # a planned event does not share the time and place of an actual meeting
    place: tuple[Span, ...]
    time: tuple[Span, ...]


class Linker:
    """Arguments for the triggers of one document (see the module docstring)."""

    def __init__(self, text: str, spans: list[Span], triggers: list[int]):
        self.text, self.spans, self.triggers = text, sorted(spans), sorted(triggers)  # trigger starts
        self.sentences = sentences(text, inside_quotes=True) or [(0, len(text))]
        self.host_sentences = sentences(text)  # a quotation stays inside the sentence that quotes it
        self.starts = [s for s, _ in self.sentences]
        self.chains = chains(text, self.spans)
        self.chain_starts = [c.mentions[0][0] for c in self.chains]
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.headline_end = text.find("\n") if "\n" in text else len(text)
        self.topics = [(c.end, c.heads) for c in self.chains
                       if c.particle in SUBJECT_PARTICLES and c.heads and c.heads[0][2] in PARTICIPANT]
        self.topic_ends = [end for end, _ in self.topics]
        self.frame: Frame | None = None
        self.visitor: tuple[Span, ...] = ()  # who made the last visit: the guest of a later 出迎え
        self.pair: tuple[Span, ...] = ()  # the two participants of the last meeting, for 両首脳, 両国

    def between(self, start: int, end: int) -> list[Chain]:
        """The chains that start at or after `start` and end at or before `end`."""
        lo, hi = bisect_left(self.chain_starts, start), bisect_left(self.chain_starts, end)
        return [c for c in self.chains[lo:hi] if c.mentions[-1][1] <= end]

    def trigger_between(self, start: int, end: int) -> bool:
        """Whether another trigger starts strictly between `start` and `end`."""
        return bisect_right(self.triggers, start) < bisect_left(self.triggers, end)

    def sentence(self, position: int) -> tuple[int, int]:
        return self.sentences[max(bisect_right(self.starts, position) - 1, 0)]

    def paragraph(self, position: int) -> int:
        return bisect_right(self.line_starts, position) - 1

    def nearest_mention(self, head: Span, trigger: tuple[int, int], sentence: tuple[int, int]) -> Span:
        """The guidelines' pointer for an elided participant: the nearest mention of the same entity in
        the trigger's sentence, else the nearest one before the trigger, else `head` itself."""
        same = [s for s in self.spans if s[2] == head[2] and same_entity(self.text[s[0]:s[1]],
                                                                          self.text[head[0]:head[1]])]
        return pointer(same, trigger, sentence, after=False) or head

    def speaker(self, trigger: tuple[int, int], sentence: tuple[int, int]) -> list[Span]:
        """For a trigger inside a quotation, the subject (は/が) of the sentence that quotes it."""
        host = next(((a, b) for a, b in self.host_sentences if a <= trigger[0] < b), sentence)
        if host == sentence:
            return []
        subjects = [c for c in self.between(host[0], sentence[0]) if c.end < sentence[0] and c.particle in SUBJECT_PARTICLES and c.heads and c.heads[0][2] in PARTICIPANT]
        return list(subjects[-1].heads) if subjects else []

    def anaphor(self, trigger: tuple[int, int], sentence: tuple[int, int], nearest_chain: int) -> bool:
        """A pair anaphor (両首脳, 両国, 両者) as subject or possessor before the trigger, nearer than any chain."""
        for word in PAIR_ANAPHORA:
            at = self.text.rfind(word, max(sentence[0], nearest_chain), trigger[0])
            if at != -1 and self.text[at + len(word):at + len(word) + 1] in ("は", "が", "の", "も"):
                return True
        return False

    def roles(self, trigger: tuple[int, int], sentence: tuple[int, int], etype: str) -> dict[str, list[Span]]:
        word = self.text[trigger[0]:trigger[1]]
        visit, attack, hosting = word in VISITS, etype == "ASSAULT", word in HOSTING
        found: dict[str, list[Span]] = {}
        before = self.between(sentence[0], trigger[0])
        no_subject = not any(c.particle in SUBJECT_PARTICLES for c in before)
        if trigger[1] <= self.headline_end and no_subject:
            before += self.between(trigger[1], sentence[1])
        actor_chains: set[int] = set()
        subject_seen = False
        listed: set[int] = set()  # members of a 、-list already given the role of its last member
        hosted = False  # AはBとの接見で: the host B is the actor, the guest A the recipient
        for k in range(len(before) - 1, -1, -1):  # nearest first
            chain = before[k]
            if not chain.heads or k in listed:
                continue
            label, heads = chain.heads[0][2], list(chain.heads)
            if chain.leaders and label == "GPE" and len(self.pair) == 2 and chain.end <= trigger[0]:
                heads = list(self.pair)  # 北朝鮮・ロシア首脳: the two leaders of the last meeting
            following = before[k + 1] if k + 1 < len(before) else None
            role, touches = None, trigger[0] in (chain.mentions[-1][1], chain.end)
            coordinated = False
            if touches and (visit or attack):
                role = "recipient"  # the host of a visit, the attacked country
            elif touches or (chain.particle == "の" and chain.end + 1 == trigger[0]):
                role = "actor"  # 露朝|首脳会談, ラブロフ外相|の|訪朝
            elif hosting and chain.particle == "と" and "actor" not in found:
                role, hosted = "actor", True
            elif chain.particle in SUBJECT_PARTICLES and CONDITION.search(self.text, chain.end, trigger[0]):
                role = None
            elif chain.particle in SUBJECT_PARTICLES or (no_subject and chain.particle == "、"):
                role = "recipient" if hosted else "actor"  # a line without は/が: 金正恩とプーチン、19日に首脳会談
            elif chain.particle == "と" and k + 1 in actor_chains and chain.end + 1 == following.mentions[0][0]:
                role, coordinated = "actor", True  # 「AとBが」: A is coordinated with the actor B
            elif chain.particle == "の" and visit and following and following.end == trigger[0]:
                role = "actor"  # X の Y 訪問: the visitor X
            elif chain.particle == "の" and (towards := TOWARDS.match(self.text, chain.end + 1, trigger[0])) and \
                    not self.trigger_between(towards.end() - 1, trigger[0]):
                role = "recipient"  # ロシアの政策に対する支持: directed at Russia (the next trigger only)
            elif chain.particle in PARTICLE_ROLE and not self.trigger_between(chain.end, trigger[0]):
                role = PARTICLE_ROLE[chain.particle]  # a case-marked phrase belongs to the first trigger after it
            if role in ("actor", "recipient") and label not in PARTICIPANT:
                role = "place" if role == "recipient" or visit or attack else None
            if role is None or (role == "place" and label not in PLACE):
                continue
            if role == "recipient" and subject_seen and not hosted:
                continue  # Xに到着し、金氏は…出迎え: before the subject lies another clause
            if role in found and not coordinated:
                continue
            if role == "actor":
                actor_chains.add(k)
                subject_seen = subject_seen or chain.particle in SUBJECT_PARTICLES
            j = k - 1  # A、B、Cなどの高官も: a 、-list shares the role of its last member
            while role in ("actor", "recipient") and j >= 0 and before[j].particle == "、" and \
                    before[j].end + 1 == before[j + 1].mentions[0][0] and before[j].heads and \
                    before[j].heads[0][2] == label:
                heads, j = list(before[j].heads) + heads, j - 1
                listed.add(j + 1)
            if role == "recipient" and (visit or attack) and label in PLACE:
                found.setdefault("place", heads)
                country = before[k - 1] if k else None
                if country and country.particle == "の" and country.end + 1 == chain.mentions[0][0] and \
                        country.heads and country.heads[0][2] == "GPE" and label in PARTICIPANT:
                    heads = list(country.heads)  # 北朝鮮の平壌に到着: the country hosts, the city is the place
            found.setdefault(role, []).extend(heads)
        word = self.text[trigger[0]:trigger[1]]
        if word in VISITED and not (before and trigger[0] in (before[-1].mentions[-1][1], before[-1].end)):
            host = [s for s in self.spans if s[2] == "GPE" and self.text[s[0]:s[1]] in VISITED[word]]
            nearest = pointer(host, trigger, sentence, after=True)
            if nearest:  # the word names the host: it outranks a と or に phrase
                found["recipient"] = [nearest]
                found["place"] = [nearest]
        if "place" not in found:
            for chain in self.between(trigger[1], sentence[1]):
                if chain.end < sentence[1] and chain.particle == "で" \
                        and chain.heads and chain.heads[0][2] in PLACE and self.text.startswith(HELD, chain.end + 1):
                    found["place"] = list(chain.heads)
                    break
        return found

    def times(self, trigger: tuple[int, int], sentence: tuple[int, int]) -> list[Span]:
        """The nearest run of adjacent DATE/TIME mentions before the trigger in its sentence (水曜日|早朝),
        and the day before a time of day (この日、…午前2時46分頃). A date with の (9月の首脳会談) qualifies the
        first trigger after it only."""
        candidates = [s for s in self.spans if s[2] in TIME and sentence[0] <= s[0] and s[1] <= trigger[0]
                      and not self.text.startswith(INTERVAL_AFTER, s[1]) and not self.text[s[0]:s[1]].endswith("ぶり")
                      and not (self.text.startswith("の", s[1]) and self.trigger_between(s[1], trigger[0]))]
        if not candidates:
            return []
        run = [candidates[-1]]
        for s in reversed(candidates[:-1]):
            if s[1] != run[0][0]:
                break
            run.insert(0, s)
        if run[0][2] == "TIME":
            day = [s for s in candidates if s[2] == "DATE" and s[1] <= run[0][0]]
            run = day[-1:] + run
        return run

    def arguments(self, trigger: tuple[int, int], etype: str, realis: str) -> list[dict]:
        """The arguments of one trigger; call in reading order (the paragraph's frame carries over)."""
        sentence, paragraph = self.sentence(trigger[0]), self.paragraph(trigger[0])
        found = self.roles(trigger, sentence, etype)
        frame = self.frame if self.frame and self.frame.paragraph == paragraph else None
        word = self.text[trigger[0]:trigger[1]]
        if word in HOSTING and "recipient" not in found and self.visitor:
            found["recipient"] = [self.nearest_mention(h, trigger, sentence) for h in self.visitor]  # the guest
        if self.pair and self.anaphor(trigger, sentence, max((s[1] for s in found.get("actor", [])), default=0)):
            found["actor"] = list(self.pair)  # 両首脳の会談: both participants of the last meeting
        if "actor" not in found and self.speaker(trigger, sentence):
            found["actor"] = self.speaker(trigger, sentence)  # 金氏は「…支持する」と述べた: the speaker acts
        if "actor" not in found:  # 出迎えた金委員長: the noun a relative clause qualifies
            ending = RELATIVE.match(self.text, trigger[1])
            following = self.between(ending.end(), len(self.text))[:1] if ending else []
            head = following[0] if following and following[0].mentions[0][0] == ending.end() else None
            if head and head.heads and head.heads[0][2] in PARTICIPANT:
                found["actor"] = list(head.heads)
        if "actor" not in found:  # an elided subject: the last subject or topic before the sentence
            k = bisect_right(self.topic_ends, sentence[0]) - 1
            if k >= 0:
                found["actor"] = list(self.topics[k][1])
        found["actor"] = [self.nearest_mention(h, trigger, sentence) if not sentence[0] <= h[0] < sentence[1]
                          else h for h in found.get("actor", [])]
        setting = frame if frame and frame.type in FRAME_TYPES and frame.realis == realis else None
        time = self.times(trigger, sentence) or (list(setting.time) if setting else [])
        if "place" not in found and setting and setting.place:
            found["place"] = list(setting.place)
        if time:
            found["time"] = time
        if word in VISITS and found.get("actor"):
            self.visitor = tuple(found["actor"])
        if etype == "CONSULT" and len(found.get("actor", []) + found.get("recipient", [])) == 2:
            self.pair = tuple(found.get("actor", []) + found.get("recipient", []))
        self.frame = Frame(paragraph, etype, realis, tuple(found.get("place", ())), tuple(time))
        out, seen = [], set()
        for role in schema.ROLE_NAMES:
            for s, e, label in sorted(found.get(role, [])):
                if label in schema.ROLE_ENTITY_TYPES[role] and (role, s, e) not in seen:
                    seen.add((role, s, e))
                    out.append({"role": role, "start": s, "end": e})
        return out
