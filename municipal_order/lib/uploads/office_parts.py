"""What the parts of a DOCX/XLSX package are, from what the package says about them.

A part's name proves nothing: Word loads a VBA project from ``word/data.bin`` as
readily as from ``word/vbaProject.bin`` when ``[Content_Types].xml`` or a
relationship says that is what it is. So besides names, this reads

* ``[Content_Types].xml``: the declared type of every part;
* every ``.rels`` part: relationships to macros, ActiveX controls and embedded
  objects, and *external* relationships that make Office fetch something when
  the document opens (a remote template, a linked OLE object, a frame, a
  sub-document, a linked workbook) — hyperlinks, which wait for a click, are fine;
* the first bytes of every part: an OLE compound file (VBA project, OLE object,
  ActiveX binary) is one whatever its name.

Every member is read to its end once, which also checks its CRC (what
``ZipFile.testzip`` did). The XML is parsed with expat and a DOCTYPE is refused:
Office refuses DTDs in package XML, and without one no entity can expand.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote
from xml.parsers import expat

# What a finding is; office.py words the refusal for each.
MACRO = "macro"
EMBEDDED = "embedded"
EXTERNAL = "external"
_SEVERITY = (MACRO, EMBEDDED, EXTERNAL)

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file

ZIP_MAX_CONTENT_TYPES = 1024 * 1024

_READ = 256 * 1024

# Relationship types by their last segment, lower-cased (canonical spelling for
# the log: the type string itself comes from the file).
_MACRO_RELATIONSHIPS = {
    name.lower(): name
    for name in (
        "vbaProject",
        "vbaProjectSignature",
        "vbaProjectSignatureAgile",
        "vbaProjectSignatureV3",
        "wordVbaData",
        "activeXControl",
        "activeXControlBinary",
        "control",  # an ActiveX control on a sheet
        "xlMacrosheet",
        "xlIntlMacrosheet",
        "keyMapCustomizations",
        "attachedToolbars",
    )
}
_EMBEDDED_RELATIONSHIPS = {name.lower(): name for name in ("oleObject", "package")}
# Refused when external: Office fetches (and may run) what they point at on opening.
_FETCHING_RELATIONSHIPS = {
    name.lower(): name
    for name in ("attachedTemplate", "frame", "subDocument", "externalLinkPath", "externalLink")
}

# Declared content types, lower-cased, by a word they contain.
_MACRO_TYPE_WORDS = (
    "macroenabled",
    "vbaproject",
    "vbadata",
    "activex",
    "macrosheet",
    "keymapcustomizations",
    "attachedtoolbars",
)
_EMBEDDED_TYPE_WORDS = ("oleobject",)

# A target that is not a part of the package: a URL ("https:", "file:", "C:")
# or a network path ("\\host\share", "//host/share").
_NOT_A_PART = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:|[\\/]{2})", re.IGNORECASE)
# A template on the author's own disk ("file:///C:\…", "C:\…"): documents made
# from a template keep its path, and Word fetches nothing from anyone for it.
_LOCAL_DISK = re.compile(r"^(?:file:/{3})?[a-z]:[\\/]", re.IGNORECASE)


class DamagedPackage(Exception):
    """Package XML that is malformed, oversized or carries a DTD."""


@dataclass(frozen=True)
class Finding:
    kind: str  # MACRO, EMBEDDED or EXTERNAL
    detail: str  # for the log: part names and types, never content


def inspect_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> Finding | None:
    """The worst thing the package holds (macros, then embedded objects, then external
    links), or None. Raises ``DamagedPackage`` or zipfile's errors for a damaged one."""
    findings: list[Finding] = []
    names = {_normalise(m.filename) for m in members}
    for member in members:  # duplicate names included: each entry is read
        name = _normalise(member.filename)
        if name == "[content_types].xml":
            # Every spelling of [Content_Types].xml: which one a reader takes is
            # not to be guessed, so what any of them declares counts.
            findings += _declared_types(_read_all(archive, member), names)
        elif name.endswith(".rels"):
            findings += _relationships(archive, member, name)
        else:
            head = _read_head_and_rest(archive, member)
            if kind := _named_kind(name):
                findings.append(Finding(kind, f"{_label(name)}: part name"))
            elif head == CFB_MAGIC:
                findings.append(Finding(EMBEDDED, f"{_label(name)}: OLE compound file"))
    return min(findings, key=lambda f: _SEVERITY.index(f.kind), default=None)


def is_package_xml(name: str) -> bool:
    """A part this module parses: relationships and content types (bounded in office.py)."""
    name = name.lower()
    return name.endswith(".rels") or name == "[content_types].xml"


def _normalise(name: str) -> str:
    return name.replace("\\", "/").lower()


def _label(name: str) -> str:
    """A part name fit for the log: printable and short."""
    return "".join(ch if ch.isprintable() else "?" for ch in name[:120])


def _named_kind(name: str) -> str | None:
    base = posixpath.basename(name)
    if base == "vbaproject.bin" or base.startswith("vbadata") or "activex" in name:
        return MACRO
    if "embeddings" in name.split("/")[:-1] or base.startswith("oleobject"):
        return EMBEDDED
    return None


def _read_head_and_rest(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The first 8 bytes; the rest is read (and dropped) so zipfile checks the CRC."""
    with archive.open(member) as part:
        head = part.read(len(CFB_MAGIC))
        while part.read(_READ):
            pass
    return head


def _read_all(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    with archive.open(member) as part:
        data = part.read(ZIP_MAX_CONTENT_TYPES + 1)
        if len(data) > ZIP_MAX_CONTENT_TYPES:
            raise DamagedPackage("[Content_Types].xml over the limit")
    return data


def _parser(start: Callable[[str, dict[str, str]], None]) -> expat.XMLParserType:
    def refuse_dtd(*args: object) -> None:
        raise DamagedPackage("DTD in package XML")

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    return parser


def _local(name: str) -> str:
    """``Type`` from ``Type`` or ``{namespace}Type``: prefixes change nothing here."""
    return name.rsplit("}", 1)[-1]


def _relationships(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> list[Finding]:
    findings: list[Finding] = []
    source = _label(name)

    def start(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) != "Relationship":
            return
        values = {_local(k): v for k, v in attrs.items()}
        finding = _judge_relationship(
            values.get("Type", ""), values.get("Target", ""), values.get("TargetMode", "")
        )
        if finding and all(f.kind != finding[0] for f in findings):  # the first of each kind
            findings.append(Finding(finding[0], f"{source}: {finding[1]}"))

    parser = _parser(start)
    try:
        with archive.open(member) as part:
            while chunk := part.read(_READ):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise DamagedPackage(f"malformed XML in {source}") from exc
    return findings


def _judge_relationship(kind: str, target: str, mode: str) -> tuple[str, str] | None:
    """(finding kind, words for the log) for a relationship that must not be, else None."""
    kind = kind.strip().lower()
    last = kind.rsplit("/", 1)[-1]
    if last in _MACRO_RELATIONSHIPS:
        return MACRO, f"{_MACRO_RELATIONSHIPS[last]} relationship"
    target = target.strip()
    external = mode.strip().lower() == "external" or bool(_NOT_A_PART.match(target))
    if "/xlexternallinkpath/" in kind:  # xlPathMissing, xlStartup, xlLibrary, …
        last = "externallinkpath"
    if external and (last in _FETCHING_RELATIONSHIPS or last in _EMBEDDED_RELATIONSHIPS):
        if last == "attachedtemplate" and _LOCAL_DISK.match(target):
            return None
        canonical = _FETCHING_RELATIONSHIPS.get(last) or _EMBEDDED_RELATIONSHIPS[last]
        return EXTERNAL, f"external {canonical}"
    if last in _EMBEDDED_RELATIONSHIPS:
        return EMBEDDED, f"{_EMBEDDED_RELATIONSHIPS[last]} relationship"
    return None


def _declared_types(xml: bytes, names: set[str]) -> list[Finding]:
    """Parts declared (by ``Override``, or by a ``Default`` for an extension in use)
    as macros, ActiveX controls or OLE objects."""
    declared: list[tuple[str, str]] = []  # (what is declared, its content type)
    extensions = {posixpath.splitext(n)[1][1:] for n in names}

    def start(tag: str, attrs: dict[str, str]) -> None:
        values = {_local(k): v for k, v in attrs.items()}
        content_type = values.get("ContentType", "").lower()
        if _local(tag) == "Override":
            part = unquote(values.get("PartName", "")).lstrip("/").lower()
            declared.append((part, content_type))
        elif _local(tag) == "Default":
            extension = values.get("Extension", "").lower()
            if extension in extensions:
                declared.append((f"*.{extension}", content_type))

    parser = _parser(start)
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise DamagedPackage("malformed [Content_Types].xml") from exc

    findings = []
    for part, content_type in declared:
        for kind, words in ((MACRO, _MACRO_TYPE_WORDS), (EMBEDDED, _EMBEDDED_TYPE_WORDS)):
            word = next((w for w in words if w in content_type), None)
            if word is not None:
                findings.append(Finding(kind, f"[Content_Types].xml: {_label(part)} is {word}"))
                break
    return findings
