"""Chart documents as Markdown, rendered to HTML that is safe in a learner's page (no Flask).

Two layers, so that neither alone has to be perfect:

1. markdown-it-py in CommonMark mode with tables, raw HTML *disabled* (``<script>`` is shown as
   text, never passed through) and only http(s)/mailto links;
2. nh3 (the Rust ``ammonia`` sanitizer) over the output, with an allow-list of tags and
   attributes: no script, style, iframe, svg, img or form; no ``on*`` attribute; no
   ``javascript:`` or ``data:`` URL; links get ``rel="noopener noreferrer nofollow"``.

The bundled charts are hard-wrapped text with ``**Label:**`` paragraphs. CommonMark joins the
lines of a paragraph (right for hard-wrapped text); a line that *starts* with bold text starts a
new line (``**HPI:** ...`` under ``**Chief complaint:** ...``), as the charts have always read.
Headings are moved down three levels: a document's title is an h3, so ``#`` becomes an h4.
"""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h4", "h5", "h6", "blockquote", "code", "pre", "hr",
        "table", "thead", "tbody", "tr", "th", "td", "a"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}
STYLE_PROPERTIES = {"text-align"}  # table column alignment is all markdown-it writes
HEADING_SHIFT = 3
MAX_SOURCE = 100_000  # characters of one document; the editor and importer refuse longer ones


def _label_breaks(state) -> None:
    """A soft line break followed by bold text becomes a hard break (a new ``**Label:**`` line)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children = [c for c in token.children if not (c.type == "text" and not c.content)]
        for child, following in zip(children, children[1:]):
            if child.type == "softbreak" and following.type == "strong_open":
                child.type, child.tag = "hardbreak", "br"


def _shift_headings(state) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + HEADING_SHIFT)}"


def _validate_link(url: str) -> bool:
    scheme = url.strip().split(":", 1)[0].lower() if ":" in url else ""
    return scheme in URL_SCHEMES or not scheme and not url.strip().startswith("//")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.disable("image")  # no external images in a chart (and no tracking pixels)
    md.validateLink = _validate_link
    md.core.ruler.push("label_breaks", _label_breaks)
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


def sanitize(html: str) -> str:
    """The allow-list pass on its own (also used on anything else that may carry author HTML)."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     filter_style_properties=STYLE_PROPERTIES, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def render(text: str | None) -> str:
    """Markdown source to sanitized HTML (a string; the caller marks it safe for the template)."""
    source = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if len(source) > MAX_SOURCE:
        source = source[:MAX_SOURCE]
    return sanitize(_parser().render(source))
