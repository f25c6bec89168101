"""PDF: active content (also in object streams and behind #xx-escaped names),
actions that run by themselves and open a web address or another file, encryption
and damage are refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from municipal_order.lib.uploads.errors import UploadRejected, read_chunks

# PDF limits. pypdf parses some 15,000 plain objects a second on the 2-core
# box (~50,000 packed in object streams), so the object count bounds the time a
# check can take: ~7 s at worst. Real documents have a few thousand objects; a
# 1,000-page report from Word some 50,000. More cross-reference entries than
# PDF_MAX_BAD_OFFSETS that point at the wrong object (pypdf repairs each one by
# searching the whole file) and the file is refused as damaged.
PDF_MAX_OBJECTS = 100_000


PDF_MAX_BAD_OFFSETS = 100


# Names that make a PDF "active": scripts, actions that run or fetch something,
# attached files, rich media and XFA forms. Compared after #xx escapes are undone.
PDF_ACTIVE_NAMES = frozenset(
    {
        "JS",
        "JavaScript",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToE",
    }
)


# Actions that are ordinary behind a link the reader clicks, but not when they
# run by themselves: from /OpenAction, or from /AA ("additional actions": on
# opening or closing a page, focusing a field, the pointer entering a link…).
# The other automatic actions the portal refuses (JavaScript, Launch, GoToE,
# SubmitForm, ImportData) are in PDF_ACTIVE_NAMES and refused wherever they are.
PDF_AUTOMATIC_NAMES = frozenset({"URI", "GoToR", "Rendition"})


# The keys whose value runs by itself: an action (or a destination) and a
# dictionary of event → action.
_TRIGGERS = frozenset({"OpenAction", "AA"})


def _active_content(detail: str) -> UploadRejected:
    return UploadRejected(
        _(
            "The PDF contains active content (scripts, launch actions or attached files); "
            "save it again as a plain PDF."
        ),
        code="active_content",
        detail=detail,
    )


def _automatic_action(detail: str) -> UploadRejected:
    return UploadRejected(
        _(
            "The PDF performs actions by itself when it is opened or viewed (for example, "
            "opens a web address or another file); save it again as a plain PDF."
        ),
        code="active_content",
        detail=detail,
    )


def _refusal(name: str, detail: str) -> UploadRejected:
    """The refusal for a name the raw scanner found (active anywhere, or automatic)."""
    if name in PDF_ACTIVE_NAMES:
        return _active_content(detail)
    return _automatic_action(f"{detail} in /OpenAction or /AA")


def _damaged_pdf(detail: str) -> UploadRejected:
    return UploadRejected(_("The PDF file is damaged."), code="damaged", detail=detail)


def check_pdf(stream: IO[bytes], size: int) -> None:
    # A complete PDF ends with %%EOF (readers look in the last 1024 bytes): a
    # truncated upload does not.
    stream.seek(max(0, size - 1024))
    if b"%%EOF" not in stream.read(1024):
        raise _damaged_pdf("no %%EOF in the last 1024 bytes")

    # First, cheap pass: names in the raw bytes outside streams.
    scanner = PdfNameScanner()
    for chunk in read_chunks(stream):
        if hit := scanner.feed(chunk):
            raise _refusal(hit, f"raw name /{hit}")
    if hit := scanner.feed(b"", final=True):
        raise _refusal(hit, f"raw name /{hit}")

    # Second pass: every indirect object, including those in object streams.
    stream.seek(0)
    _walk_pdf(stream)


_PDF_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"


# A name (up to 64 bytes: the longest active name fully #xx-escaped is 39) or
# the keyword that opens a stream's data.
_PDF_TOKEN = re.compile(rb"/([^" + _PDF_DELIMITERS + rb"]{1,64})|(?<![A-Za-z])stream[\r\n]")


# The same, with a dictionary's brackets and an object's bounds: used only after
# /OpenAction or /AA, to tell where the action they run ends.
_PDF_TRIGGER_TOKEN = re.compile(
    rb"/([^" + _PDF_DELIMITERS + rb"]{1,64})"
    rb"|(<<|>>)"
    rb"|(?<![A-Za-z])(obj|endobj)(?![A-Za-z])"
    rb"|(?<![A-Za-z])stream[\r\n]"
)


_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")


_PDF_ENDSTREAM = b"endstream"


_SCAN_TAIL = 128  # > the longest token; tokens ending this close to a chunk's end wait


_SCAN_CONTEXT = 16  # bytes kept before the resume point for the look-behind


def pdf_name(raw: bytes) -> str:
    """A PDF name's characters with ``#xx`` escapes undone (``J#61vaScript`` → ``JavaScript``)."""
    if b"#" in raw:
        raw = _PDF_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), raw)
    return raw.decode("latin-1")


class PdfNameScanner:
    """Finds active-content names in PDF bytes fed in chunks, skipping stream data,
    and automatic actions written inline after ``/OpenAction`` or ``/AA``.

    Linear in the input: each byte is searched once, and at most ~150 bytes are
    carried from one chunk to the next. Stream data (compressed images, fonts,
    page contents) is skipped because random bytes would match ``/JS`` by
    chance; the objects packed in object streams are checked by ``_walk_pdf``.

    A ``PDF_AUTOMATIC_NAMES`` name counts only inside the dictionary that is the
    value of ``/OpenAction`` or ``/AA`` (nested ones and inline ``/Next`` included),
    so a link's ``/A << /S /URI >>`` beside it does not. Only there are ``<<`` and
    ``>>`` counted (elsewhere the scan costs what it did before), and ``obj`` or
    ``endobj`` ends the count, so a broken object cannot carry it into the next.
    Actions behind a reference (``/OpenAction 5 0 R``) are not seen here: the
    object walk follows references.
    """

    def __init__(self) -> None:
        self._carry = b""
        self._pos = 0
        self._in_stream = False
        self._after_trigger = False  # the last token was /OpenAction or /AA
        self._trigger_open = 0  # dictionaries open in the value of /OpenAction or /AA

    def feed(self, data: bytes, *, final: bool = False) -> str | None:
        buf = self._carry + data
        pos = self._pos
        limit = len(buf) if final else len(buf) - _SCAN_TAIL
        # The state in locals: this loop runs once per name in the file.
        in_stream, after_trigger, trigger_open = (
            self._in_stream,
            self._after_trigger,
            self._trigger_open,
        )
        while True:
            if in_stream:
                end = buf.find(_PDF_ENDSTREAM, pos)
                if end < 0:
                    pos = max(pos, len(buf) - len(_PDF_ENDSTREAM))
                    break
                pos = end + len(_PDF_ENDSTREAM)
                in_stream = False
            tracking = after_trigger or trigger_open
            match = (_PDF_TRIGGER_TOKEN if tracking else _PDF_TOKEN).search(buf, pos)
            if match is None:
                pos = max(pos, len(buf) - _SCAN_TAIL)
                break
            if match.end() > limit:
                pos = match.start()
                break
            pos = match.end()
            raw = match.group(1)
            if raw is not None:
                name = pdf_name(raw) if len(raw) <= 40 else ""
                if name in PDF_ACTIVE_NAMES:
                    return name
                if trigger_open and name in PDF_AUTOMATIC_NAMES:
                    return name
                after_trigger = name in _TRIGGERS
                continue
            bracket, bound = match.group(2, 3) if tracking else (None, None)
            if bracket == b"<<":
                if after_trigger or trigger_open:
                    trigger_open += 1
            elif bracket == b">>":
                trigger_open = max(0, trigger_open - 1)
            elif bound is not None:
                trigger_open = 0
            else:
                in_stream = True
            after_trigger = False
        self._in_stream, self._after_trigger, self._trigger_open = (
            in_stream,
            after_trigger,
            trigger_open,
        )
        keep = max(0, pos - _SCAN_CONTEXT)
        self._carry = buf[keep:]
        self._pos = pos - keep
        return None


_OBJECT_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj")


def _walk_pdf(stream: IO[bytes]) -> None:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError
    from pypdf.generic import IndirectObject

    try:
        reader = PdfReader(stream, strict=False)
        encrypted = reader.is_encrypted
    except FileNotDecryptedError:
        encrypted = True
    except Exception as exc:
        raise _damaged_pdf(f"pypdf: {type(exc).__name__}") from exc
    if encrypted:
        raise UploadRejected(
            _("Password-protected PDFs are not accepted."),
            code="encrypted",
            detail="/Encrypt in the trailer",
        )

    try:
        refs = [(number, 0) for number in reader.xref_objStm]  # packed in object streams
        refs += [
            (number, generation)
            for generation, table in reader.xref.items()
            if generation != 65535
            for number in table
        ]
        if len(refs) > PDF_MAX_OBJECTS:
            raise UploadRejected(
                _(
                    "The PDF is too complex to check (over %(limit)s objects); "
                    "save it again as a simpler PDF, for example by printing it to PDF."
                ),
                params={"limit": PDF_MAX_OBJECTS},
                code="too_complex",
                detail=f"{len(refs)} objects",
            )
        _check_offsets(stream, reader.xref)
        checked: set[tuple[int, int, str]] = set()  # actions already followed, see below
        for number, generation in refs:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if hit := _active_name_in(obj, checked):
                raise hit.refusal(f"object {number} {generation}")
        if hit := _active_name_in(reader.trailer, checked):
            raise hit.refusal("trailer")
        if len(reader.pages) == 0:
            raise _damaged_pdf("no pages")
    except UploadRejected:
        raise
    except Exception as exc:
        raise _damaged_pdf(f"pypdf: {type(exc).__name__}") from exc


def _check_offsets(stream: IO[bytes], xref: dict[int, dict[Any, Any]]) -> None:
    """Refuse a PDF whose xref points many objects at the wrong place.

    pypdf repairs each such entry by searching the whole file, which is cheap
    once and quadratic for a crafted file with thousands of them.
    """
    bad = 0
    for generation, table in xref.items():
        if generation == 65535:
            continue
        for number, offset in table.items():
            stream.seek(offset)
            match = _OBJECT_HEADER.match(stream.read(48))
            if match is None or (int(match.group(1)), int(match.group(2))) != (number, generation):
                bad += 1
                if bad > PDF_MAX_BAD_OFFSETS:
                    raise _damaged_pdf("cross-reference table points at the wrong objects")


@dataclass(frozen=True)
class _Hit:
    what: str  # the name, and where it was found
    automatic: bool  # an automatic action rather than active content

    def refusal(self, where: str) -> UploadRejected:
        detail = f"{where}: {self.what}"
        return _automatic_action(detail) if self.automatic else _active_content(detail)


def _active_name_in(obj: Any, checked: set[tuple[int, int, str]]) -> _Hit | None:
    """The first active-content name among the keys and values of a (direct) PDF
    object, or an automatic action one of its ``/OpenAction``/``/AA`` keys runs.

    References to other indirect objects are not followed: every indirect
    object is walked on its own. Object streams are also scanned after
    decoding, so objects they hold that the xref does not list are seen too.
    Only what an ``/OpenAction``/``/AA`` runs is followed, by ``_automatic_in``.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, NameObject):
            if item[1:] in PDF_ACTIVE_NAMES:
                return _Hit(str(item), automatic=False)
        elif isinstance(item, DictionaryObject):
            for key, value in dict.items(item):
                if isinstance(key, str) and key[1:] in PDF_ACTIVE_NAMES:
                    return _Hit(str(key), automatic=False)
                trigger = isinstance(key, str) and key[1:] in _TRIGGERS
                if trigger and (hit := _automatic_in(value, events=key == "/AA", checked=checked)):
                    return _Hit(f"{hit} run by {key}", automatic=True)
                stack.append(value)
            if isinstance(item, StreamObject) and dict.get(item, "/Type") == "/ObjStm":
                scanner = PdfNameScanner()
                if hit := scanner.feed(item.get_data(), final=True):
                    return _Hit(f"/{hit} in an object stream", hit not in PDF_ACTIVE_NAMES)
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return None


def _automatic_in(value: Any, *, events: bool, checked: set[tuple[int, int, str]]) -> str | None:
    """The first ``PDF_AUTOMATIC_NAMES`` name in the actions a trigger's ``value`` runs.

    The value of ``/OpenAction`` is an action or a destination (an array: not an
    action, and the page it names is not followed); that of ``/AA`` maps events
    to actions. An action runs its ``/Next`` (an action or an array of them).
    Those references are followed; ``checked`` holds the objects already
    followed in each role across the whole walk, so each is looked at once and
    a loop of ``/Next`` ends.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    pending: list[tuple[Any, str]] = [(value, "events" if events else "action")]
    while pending:
        item, role = pending.pop()
        while isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation, role)
            if ref in checked:
                item = None
            else:
                checked.add(ref)
                item = item.get_object()
        if role == "next" and isinstance(item, ArrayObject):
            pending.extend((element, "action") for element in list.__iter__(item))
        elif isinstance(item, DictionaryObject) and role == "events":
            pending.extend((action, "action") for action in dict.values(item))
        elif isinstance(item, DictionaryObject):
            if hit := _automatic_name_in(item):
                return hit
            if (after := dict.get(item, "/Next")) is not None:
                pending.append((after, "next"))
    return None


def _automatic_name_in(action: Any) -> str | None:
    """A ``PDF_AUTOMATIC_NAMES`` name among an action's keys and values, following
    no reference (a destination's page is not part of the action)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    stack = [action]
    while stack:
        item = stack.pop()
        if isinstance(item, NameObject):
            if item[1:] in PDF_AUTOMATIC_NAMES:
                return str(item)
        elif isinstance(item, DictionaryObject):
            for key, value in dict.items(item):
                if isinstance(key, str) and key[1:] in PDF_AUTOMATIC_NAMES:
                    return str(key)
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return None
