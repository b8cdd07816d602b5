"""Third-party NER through spaCy: GiNZA (ja_ginza) with its Extended Named Entity labels mapped to ours.

`SpacyNER` wraps any spaCy pipeline and a label map; labels the map does not cover are dropped and
counted (`dropped`). GiNZA loads only what its NER needs: `ner` listens to `tok2vec`, so the parser,
morphologizer, compound splitter and bunsetu recognizer are excluded. (With the compound splitter
excluded, a few entities keep the token boundaries the NER saw; the full pipeline re-splits them.)
GiNZA predicts no events.
"""

from __future__ import annotations

from collections import Counter

from gaiko.baselines.common import entity_records

GINZA_MODEL = "ja_ginza"
GINZA_NER_COMPONENTS = ("tok2vec", "ner")

# ENE label → our type. Choices where ENE and our schema cut differently:
# - News agencies are ORG for us; ENE files newspapers under products (Newspaper → ORG).
# - Research institutes and schools are organizations for us (ENE puts them under facilities).
# - Period_Day / Period_Week / Period_Month / Period_Year (durations of a day or longer) → DATE,
#   Period_Time (under a day) → TIME, as our guidelines define DATE and TIME.
# - N_* counts (N_Person 1名, N_Country …), Frequency (二度), Ordinal_Number, Rank → QUANTITY.
ENE_TO_LABEL: dict[str, str] = {
    "Person": "PERSON",
    **dict.fromkeys((
        "Company", "Company_Group", "Corporation_Other", "Government", "International_Organization", "Military",
        "Political_Organization_Other", "Political_Party", "Cabinet", "Public_Institution", "Research_Institute",
        "School", "Organization_Other", "Newspaper", "Show_Organization", "Sports_Organization_Other",
        "Pro_Sports_Organization", "Sports_League"), "ORG"),
    **dict.fromkeys(("Country", "City", "Province", "County", "GPE_Other"), "GPE"),
    **dict.fromkeys((
        "Continental_Region", "Domestic_Region", "Region_Other", "Geological_Region_Other", "Location_Other",
        "Sea", "Bay", "Island", "Mountain", "River", "Lake", "Canal", "Water_Route"), "LOC"),
    **dict.fromkeys((
        "Facility_Other", "Facility_Part", "GOE_Other", "Airport", "Port", "Station", "Car_Stop", "Railroad", "Road",
        "Bridge", "Tunnel", "Line_Other", "Worship_Place", "Museum", "Theater", "Zoo", "Amusement_Park", "Park",
        "Sports_Facility", "Spa", "Tumulus", "Archaeological_Place_Other"), "FAC"),
    **dict.fromkeys((
        "Event_Other", "Conference", "Occasion_Other", "Religious_Festival", "War", "Incident_Other", "Game",
        "Natural_Disaster", "Earthquake", "Movement"), "EVENT"),
    **dict.fromkeys(("Law", "Treaty", "Rule_Other"), "LAW"),
    **dict.fromkeys((
        "Product_Other", "Car", "Train", "Aircraft", "Ship", "Spaceship", "Vehicle_Other", "Weapon", "Drug",
        "Clothing"), "PRODUCT"),
    **dict.fromkeys(("Position_Vocation", "Title_Other"), "TITLE"),
    **dict.fromkeys((
        "Date", "Day_Of_Week", "Era", "Period_Day", "Period_Week", "Period_Month", "Period_Year", "Periodx_Other",
        "Timex_Other", "Time_Top_Other"), "DATE"),
    **dict.fromkeys(("Time", "Period_Time"), "TIME"),
    **dict.fromkeys((
        "N_Person", "N_Country", "N_Organization", "N_Facility", "N_Product", "N_Event", "N_Animal", "N_Flora",
        "N_Location_Other", "N_Natural_Object_Other", "Countx_Other", "Numex_Other", "Money", "Percent",
        "Multiplication", "Frequency", "Age", "Ordinal_Number", "Rank", "Point", "Physical_Extent", "Space",
        "Volume", "Weight", "Speed", "Intensity", "Temperature", "Calorie", "Measurement_Other"), "QUANTITY"),
}
# ENE labels GiNZA can emit that have no counterpart in our schema (works, nationalities, languages,
# natural kinds, celestial bodies, addresses, units, …): dropped, and counted when they occur.
ENE_DROPPED: frozenset[str] = frozenset((
    "Academic", "Amphibia", "Astral_Body_Other", "Planet", "Constellation", "Money_Form", "Animal_Disease",
    "Animal_Part", "Art_Other", "Award", "Bird", "Book",
    "Broadcast_Program", "Character", "Class", "Color_Other", "Compound", "Culture", "Disease_Other", "Dish",
    "Doctrine_Method_Other", "Element", "Email", "Ethnic_Group_Other", "Family", "Fish", "Flora", "Flora_Part",
    "Food_Other", "Fungus", "God", "ID_Number", "Insect", "Language_Other", "Latitude_Longtitude",
    "Living_Thing_Other", "Living_Thing_Part_Other", "Magazine", "Mammal", "Material", "Mineral", "Mollusc_Arthropod",
    "Movie", "Music", "Name_Other", "National_Language", "Nationality", "Natural_Object_Other",
    "Natural_Phenomenon_Other", "Nature_Color", "Offense", "Phone_Number", "Plan", "Postal_Address", "Printing_Other",
    "Religion", "Reptile", "School_Age", "Show", "Sport", "Style", "Theory", "URL", "Unit_Other",
))


class SpacyNER:
    """Any spaCy pipeline as a mention extractor, through a label map; unmapped labels are dropped and counted."""

    trainable = False
    predicts_events = False

    def __init__(self, name: str, load, label_map: dict[str, str]):
        self.name, self._load, self.label_map = name, load, label_map
        self.nlp = None
        self.dropped: Counter = Counter()

    def fit(self, documents: list[dict]) -> SpacyNER:
        return self

    def load(self) -> SpacyNER:
        if self.nlp is None:
            self.nlp = self._load()
        return self

    def extract(self, documents: list[dict]) -> list[dict]:
        self.load()
        out = []
        for doc, parsed in zip(documents, self.nlp.pipe(d["text"] for d in documents), strict=True):
            spans = []
            for ent in parsed.ents:
                label = self.label_map.get(ent.label_)
                if label is None:
                    self.dropped[ent.label_] += 1
                else:
                    spans.append((ent.start_char, ent.end_char, label))
            out.append({"id": doc["id"], "entities": entity_records(spans), "events": []})
        return out


def load_ginza():
    """ja_ginza with only the components its NER needs (the others are not even loaded)."""
    import spacy
    from spacy.util import get_model_meta, get_package_path

    pipeline = get_model_meta(get_package_path(GINZA_MODEL))["pipeline"]
    return spacy.load(GINZA_MODEL, exclude=[c for c in pipeline if c not in GINZA_NER_COMPONENTS])


class GinzaNER(SpacyNER):
    """GiNZA with the ENE table; constructible without arguments (`gaiko run --extractor ...:GinzaNER`)."""

    def __init__(self):
        super().__init__("ginza", load_ginza, ENE_TO_LABEL)
