"""An accessibility and CSP audit of one rendered HTML page, with the standard library's parser.

``audit(html, host)`` returns a list of problems (empty when the page passes) and the page's title.
It checks what a keyboard or screen-reader user and the Content-Security-Policy need from every page:
a language, a title, one h1 and no skipped heading levels, a label for every form control, unique ids,
alt text, link names, named tables with scoped header cells, a CSRF token in every POST form, no inline
style or script, and no asset fetched from another host.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNLABELLED_INPUTS = {"hidden", "submit", "button", "reset", "image"}
ASSET_ATTRS = {"script": "src", "img": "src", "source": "src", "link": "href", "iframe": "src"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None
    children: list = field(default_factory=list)  # Node or str

    def text(self) -> str:
        """The accessible text of the subtree: text, alt of images, aria-label of nested elements."""
        out = []
        for child in self.children:
            if isinstance(child, str):
                out.append(child)
            elif child.attrs.get("aria-hidden") == "true":
                continue
            elif child.attrs.get("aria-label"):
                out.append(child.attrs["aria-label"])
            elif child.tag == "img":
                out.append(child.attrs.get("alt", ""))
            else:
                out.append(child.text())
        return " ".join(" ".join(out).split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v or "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: (v or "") for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:  # an unmatched end tag is ignored, as browsers do
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _is_external(url: str, host: str) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https") or url.strip().startswith("//"):
        return parts.hostname not in (None, host, "localhost")
    return False


def _label(node: Node, ids: dict[str, Node], labels_for: set[str]) -> str | None:
    """Why a form control has no accessible name, or None when it has one."""
    if node.attrs.get("aria-label", "").strip():
        return None
    if "aria-labelledby" in node.attrs:
        refs = node.attrs["aria-labelledby"].split()
        if refs and all(r in ids and ids[r].text() for r in refs):
            return None
        return f"aria-labelledby={node.attrs['aria-labelledby']!r} does not resolve to text"
    if node.attrs.get("id") in labels_for:
        return None
    if any(a.tag == "label" for a in node.ancestors()):
        return None
    return "no <label for>, aria-label or aria-labelledby"


def audit(html: str, host: str = "localhost") -> tuple[list[str], str]:
    root = parse(html)
    nodes = list(root.walk())
    problems: list[str] = []
    ids: dict[str, Node] = {}
    for n in nodes:
        if "id" in n.attrs:
            if n.attrs["id"] in ids:
                problems.append(f"duplicate id {n.attrs['id']!r}")
            ids.setdefault(n.attrs["id"], n)
    labels_for = {n.attrs["for"] for n in nodes if n.tag == "label" and n.attrs.get("for")}
    for n in nodes:
        if n.tag == "label" and n.attrs.get("for") and n.attrs["for"] not in ids:
            problems.append(f"<label for={n.attrs['for']!r}> points at no element")

    html_el = next((n for n in nodes if n.tag == "html"), None)
    if html_el is None or not html_el.attrs.get("lang", "").strip():
        problems.append("<html> has no lang")
    titles = [n for n in nodes if n.tag == "title" and not any(a.tag == "svg" for a in n.ancestors())]
    title = titles[0].text() if titles else ""
    if len(titles) != 1 or not title:
        problems.append("no single non-empty <title>")

    headings = [n for n in nodes if len(n.tag) == 2 and n.tag[0] == "h" and n.tag[1] in "123456"]
    h1s = [h for h in headings if h.tag == "h1"]
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} <h1> elements, expected exactly one")
    level = 0
    for h in headings:
        new = int(h.tag[1])
        if new > level + 1:
            problems.append(f"heading level skips from h{level} to {h.tag} ({h.text()[:40]!r})")
        level = new
        if not h.text():
            problems.append(f"empty {h.tag}")

    for n in nodes:
        ident = "".join(f" {a}={n.attrs[a]!r}" for a in ("id", "name") if a in n.attrs)
        where = f"<{n.tag}{ident}>"
        if n.tag in ("input", "select", "textarea"):
            if n.tag == "input" and n.attrs.get("type", "text").lower() in UNLABELLED_INPUTS:
                continue
            if any("hidden" in x.attrs for x in (n, *n.ancestors())):  # not rendered, so not announced
                continue
            why = _label(n, ids, labels_for)
            if why:
                problems.append(f"{where}: {why}")
        elif n.tag == "img" and "alt" not in n.attrs:
            problems.append(f"{where} without alt ({n.attrs.get('src', '')[:60]})")
        elif n.tag == "a" and "href" in n.attrs:
            labelled = n.attrs.get("aria-label", "").strip() or (
                "aria-labelledby" in n.attrs and all(r in ids for r in n.attrs["aria-labelledby"].split()))
            if not labelled and not n.text():
                problems.append(f"link to {n.attrs['href']!r} has no accessible name")
        elif n.tag == "button" and not (n.text() or n.attrs.get("aria-label", "").strip()):
            problems.append(f"{where} button has no accessible name")
        elif n.tag == "table":
            caption = any(isinstance(c, Node) and c.tag == "caption" and c.text() for c in n.children)
            refs = n.attrs.get("aria-labelledby", "").split()
            if not (caption or n.attrs.get("aria-label", "").strip() or (refs and all(r in ids for r in refs))):
                problems.append(f"{where} has no caption, aria-label or aria-labelledby")
        elif n.tag == "th" and "scope" not in n.attrs and any(a.tag == "thead" for a in n.ancestors()):
            problems.append(f"<th> {n.text()[:30]!r} in a table head without scope")
        elif n.tag == "form" and n.attrs.get("method", "get").lower() == "post":
            if not any(c.tag == "input" and c.attrs.get("name", "").endswith("csrf_token") for c in n.walk()):
                problems.append(f"POST {where} to {n.attrs.get('action', '')!r} has no CSRF token")
        elif n.tag == "script" and not n.attrs.get("src") and n.attrs.get("type") != "application/json":
            problems.append("inline <script> (the CSP blocks it)")
        elif n.tag == "style":
            problems.append("inline <style> (the CSP blocks it)")
        if "style" in n.attrs:
            problems.append(f"{where} has an inline style= (the CSP blocks it)")
        handlers = [a for a in n.attrs if a.startswith("on")]
        if handlers:
            problems.append(f"{where} has inline event handlers {handlers} (the CSP blocks them)")
        asset = ASSET_ATTRS.get(n.tag)
        if asset and n.attrs.get(asset) and _is_external(n.attrs[asset], host):
            if n.tag != "link" or n.attrs.get("rel", "") in ("stylesheet", "icon", "preload", "manifest"):
                problems.append(f"{where} loads {n.attrs[asset]!r} from another host")
    return problems, title
