"""What a file's Content Credentials say about AI: the one place that decides it.

The engine collects the digital source types a manifest declares; `manifest_ai` turns them into an
AiKind, `file_ai` adds what the file was made from (ingredients, at any depth), and `disclosure`
gives the words every view uses: the summary, the GUI badge, the CLI, the PDF and the batch table.

Vocabulary: IPTC NewsCodes "Digital Source Type" (https://cv.iptc.org/newscodes/digitalsourcetype/),
which the C2PA specification (2.x, "Digital Source Type" of an action) uses for `digitalSourceType`.
Writers disagree on the form of the URI (http or https, a trailing slash, the bare term), so the
term is what counts. Adobe records the source type of a third-party model in the action's
`parameters` under `com.adobe.digitalSourceType`; its older `com.adobe.generative-ai` assertion
marks generative AI without any source type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from .report import InspectionReport

IPTC_HOST = "cv.iptc.org"
IPTC_PATH = "/newscodes/digitalsourcetype/"
C2PA_HOST = "c2pa.org"  # the C2PA specification's own additions to the vocabulary
C2PA_PATH = "/digitalsourcetype/"
_URI = re.compile(r"^(?:https?://)?(?P<host>[^/\s]+)(?P<path>/[^?#\s]*)$", re.IGNORECASE)
_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


class AiKind(str, Enum):
    """How AI is declared, strongest first in STRENGTH."""

    GENERATED = "generated"  # trainedAlgorithmicMedia: made by a generative model
    COMPOSITE = "composite"  # compositeWithTrainedAlgorithmicMedia: AI-generated parts in other material
    SYNTHETIC = "synthetic"  # compositeSynthetic: a composite with at least one synthetic element
    FROM_AI_SOURCE = "ingredient"  # made from a file (at any depth) that declares one of the above
    ENHANCED = "enhanced"  # algorithmicallyEnhanced: corrected or enhanced by an algorithm, not generated
    NONE = "none"  # credentials present, no AI declared


STRENGTH = (AiKind.GENERATED, AiKind.COMPOSITE, AiKind.SYNTHETIC, AiKind.FROM_AI_SOURCE, AiKind.ENHANCED, AiKind.NONE)
_DECLARED_AI = frozenset({AiKind.GENERATED, AiKind.COMPOSITE, AiKind.SYNTHETIC})
GENERATIVE = _DECLARED_AI | {AiKind.FROM_AI_SOURCE}  # what `ai_generated: true` means

_TERMS: dict[str, AiKind] = {
    "trainedalgorithmicmedia": AiKind.GENERATED,
    "trainedalgorithmicdata": AiKind.GENERATED,  # c2pa.org vocabulary: data made by a trained model
    "compositewithtrainedalgorithmicmedia": AiKind.COMPOSITE,
    "compositesynthetic": AiKind.SYNTHETIC,
    "algorithmicallyenhanced": AiKind.ENHANCED,
}


def source_type_term(value: object) -> str | None:
    """The vocabulary term of a digital source type, or None when it is not one.

    'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia', the https form, either
    with a trailing slash, and the bare 'trainedAlgorithmicMedia' all give 'trainedAlgorithmicMedia'.
    A URI on any other host (or path) is not the IPTC/C2PA vocabulary and gives None.
    """
    if not isinstance(value, str):
        return None
    text = value.strip().rstrip("/")
    if _TERM.match(text):
        return text
    match = _URI.match(text)
    if not match:
        return None
    host, path = match["host"].lower(), match["path"]
    for want_host, want_path in ((IPTC_HOST, IPTC_PATH), (C2PA_HOST, C2PA_PATH)):
        if host == want_host and path.lower().startswith(want_path):
            term = path[len(want_path):]
            return term if _TERM.match(term) else None
    return None


def kind_of_source_type(value: object) -> AiKind | None:
    term = source_type_term(value)
    return _TERMS.get(term.lower()) if term else None


def strongest(kinds: Iterable[AiKind | None]) -> AiKind:
    found = {k for k in kinds if k is not None}
    return next((k for k in STRENGTH if k in found), AiKind.NONE)


def manifest_ai(source_types: Iterable[object], *, generative_ai_assertion: bool = False) -> AiKind:
    """AI declared by one manifest: the source types of its actions (direct or in `parameters`)."""
    kinds = [kind_of_source_type(v) for v in source_types]
    if generative_ai_assertion:
        kinds.append(AiKind.COMPOSITE)
    return strongest(kinds)


def is_generative(kind: AiKind | None) -> bool | None:
    """The report's `ai_generated`: None without credentials, else whether AI-generated material is declared."""
    return None if kind is None else kind in GENERATIVE


def file_ai(own: AiKind, made_from: Iterable[AiKind | None]) -> AiKind:
    """The file's own declaration wins when it declares AI; otherwise AI anywhere in what it was made from."""
    if own in _DECLARED_AI:
        return own
    if any(k in GENERATIVE for k in made_from):
        return AiKind.FROM_AI_SOURCE
    return own


@dataclass(frozen=True)
class AiDisclosure:
    kind: AiKind | None  # None: no Content Credentials, nothing is known
    generated: bool | None  # the report's `ai_generated`
    label: str  # short: a badge, a table cell
    sentence: str  # for the summary, the CLI and the PDF; "" when there is nothing to say


_WORDS: dict[AiKind, tuple[str, str]] = {
    AiKind.GENERATED: ("AI-generated", "Its Content Credentials declare it was generated by AI."),
    AiKind.COMPOSITE: ("Partly AI-generated",
                       "Its Content Credentials declare it combines AI-generated material with other content."),
    AiKind.SYNTHETIC: ("Has synthetic parts",
                       "Its Content Credentials declare it is a composite that includes synthetic "
                       "(computer-generated, possibly AI) material."),
    AiKind.FROM_AI_SOURCE: ("Made from AI material",
                            "It was made from material whose Content Credentials declare it AI-generated."),
    AiKind.ENHANCED: ("Enhanced by an algorithm",
                      "Its Content Credentials declare it was enhanced or corrected by an algorithm "
                      "(for example noise reduction), not generated by AI."),
    AiKind.NONE: ("No", ""),
}


def words(kind: AiKind | None) -> AiDisclosure:
    if kind is None:
        return AiDisclosure(None, None, "", "")
    label, sentence = _WORDS[kind]
    return AiDisclosure(kind, is_generative(kind), label, sentence)


def disclosure(report: InspectionReport) -> AiDisclosure:
    """What to say about AI for this report (reports from an older engine carry only `ai_generated`)."""
    if report.ai_disclosure:
        try:
            return words(AiKind(report.ai_disclosure))
        except ValueError:
            pass
    if report.ai_generated is None:
        return words(None)
    return words(AiKind.GENERATED if report.ai_generated else AiKind.NONE)
