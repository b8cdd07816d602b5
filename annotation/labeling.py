"""The Label Studio labeling config, generated from `gaiko.schema` (annotation/labeling_config.xml is its output).

Control names are the contract between the config, the push (gold/predictions → results) and the converter
(export → gold): a region labelled by ENTITY_CONTROL is a mention, by TRIGGER_CONTROL an event trigger; the
per-region REALIS_CONTROL and ENTITY_ID_CONTROL results share the id of their region; relations carry a role.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from gaiko import schema
from gaiko.paths import LABELING_CONFIG

TEXT_NAME = "text"
ENTITY_CONTROL = "entity"
TRIGGER_CONTROL = "trigger"
REALIS_CONTROL = "realis"
ENTITY_ID_CONTROL = "entity_id"
CONFIG_PATH = LABELING_CONFIG
DEFAULT_PROJECT = "gaiko"
STICKY_STYLE = ("position: sticky; bottom: 0; z-index: 10; background: #fff; border-top: 2px solid #888; "
                "padding: 4px 8px")


def _label(value: str, color: str, hint: str) -> str:
    return f"    <Label value={quoteattr(value)} background={quoteattr(color)} hint={quoteattr(hint)}/>"


def labeling_config() -> str:
    """The XML config: two Labels controls on one character-granular Text, roles, realis and entity ids."""
    coref_labels = ",".join(t.name for t in schema.ENTITY_TYPES if t.coref)
    lines = [
        "<View>",
        '  <Header value="Entities (mentions)"/>',
        f'  <Labels name="{ENTITY_CONTROL}" toName="{TEXT_NAME}" choice="single" showInline="true">',
        *(_label(t.name, t.color, t.description) for t in schema.ENTITY_TYPES),
        "  </Labels>",
        '  <Header value="Event triggers (PLOVER)"/>',
        f'  <Labels name="{TRIGGER_CONTROL}" toName="{TEXT_NAME}" choice="single" showInline="true">',
        *(_label(t.name, t.color, t.description) for t in schema.EVENT_TYPES),
        "  </Labels>",
        f'  <Text name="{TEXT_NAME}" value="$text" granularity="symbol"/>',
        '  <Relations choice="single">',  # one role per relation; the frontend defaults to multiple
        *(f"    <Relation value={quoteattr(r.name)} hint={quoteattr(r.description)}/>" for r in schema.ROLES),
        "  </Relations>",
        # The per-region controls render after the text: sticky, they stay in view in a long task.
        f'  <View style="{STICKY_STYLE}">',
        f'    <View visibleWhen="region-selected" whenTagName="{TRIGGER_CONTROL}">',
        '      <Header value="Realis of the selected trigger (required)" size="5"/>',
        # `required` checks every region unless the control itself names the regions it is for.
        f'      <Choices name="{REALIS_CONTROL}" toName="{TEXT_NAME}" perRegion="true" choice="single" '
        f'visibleWhen="region-selected" whenTagName="{TRIGGER_CONTROL}" required="true" '
        'requiredMessage="Every event trigger needs a realis: select the trigger and choose one." showInline="true">',
        *(f"        <Choice value={quoteattr(name)} hint={quoteattr(desc)}/>" for name, desc in schema.REALIS),
        "      </Choices>",
        "    </View>",
        f'    <View visibleWhen="region-selected" whenTagName="{ENTITY_CONTROL}" whenLabelValue="{coref_labels}">',
        '      <Header value="Canonical entity id of the selected mention (lower_snake_case, e.g. vladimir_putin)" '
        'size="5"/>',
        f'      <TextArea name="{ENTITY_ID_CONTROL}" toName="{TEXT_NAME}" perRegion="true" maxSubmissions="1" '
        'editable="true" rows="1"/>',
        "    </View>",
        "  </View>",
        "</View>",
    ]
    return "\n".join(lines) + "\n"
