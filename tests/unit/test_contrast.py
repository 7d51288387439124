"""WCAG 2.1 AA contrast of the colour pairs the stylesheets actually use together.

The colours are read from trainer/static/css/*.css (CSS variables resolved, translucent backgrounds
composited over what they sit on), so a change of a variable or a rule is checked, never a copy.
Two checks: every rule that sets both a text colour and an opaque background (badges, buttons, alerts,
chips, cells) reaches 4.5:1; and an explicit list of pairs whose text and background come from
different rules (text on the page, on cards, in table heads, in the top bar; UI borders and focus
rings at 3:1). The heatmap's cell text is tested with the SVG that draws it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS_DIR = Path(__file__).resolve().parents[2] / "trainer" / "static" / "css"
NAMED = {"white": "#ffffff", "black": "#000000"}
TEXT, LARGE_OR_UI = 4.5, 3.0
SHORTHANDS = {"background": ["background", "background-color"], "border-color": ["border", "border-color"]}


def parse_css(text: str) -> list[tuple[list[str], dict[str, str], bool]]:
    """(selectors, declarations, inside an @media block) for each rule, in source order."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules, stack, start = [], [], 0
    for i, ch in enumerate(text):
        if ch == "{":
            stack.append(text[start:i].strip())
            start = i + 1
        elif ch == "}":
            prelude = stack.pop()
            body = text[start:i]
            if not prelude.startswith("@") and ":" in body:
                decls = {}
                for part in body.split(";"):
                    if ":" in part:
                        key, value = part.split(":", 1)
                        decls[key.strip()] = value.strip()
                rules.append(([s.strip() for s in prelude.split(",")], decls, any(p.startswith("@") for p in stack)))
            start = i + 1
    return rules


RULES = [rule for path in sorted(CSS_DIR.glob("*.css")) for rule in parse_css(path.read_text(encoding="utf-8"))]
VARIABLES = {k: v for sels, decls, _ in RULES if ":root" in sels for k, v in decls.items() if k.startswith("--")}


def resolve(value: str) -> str:
    while "var(" in value:
        value = re.sub(r"var\((--[\w-]+)\)", lambda m: VARIABLES[m.group(1)], value)
    return value


def rgba(value: str) -> tuple[float, float, float, float] | None:
    """The first colour in a CSS value (a background shorthand included), or None."""
    value = resolve(value).strip().lower()
    value = NAMED.get(value, value)
    if value.startswith("transparent"):
        return (0, 0, 0, 0)
    m = re.search(r"#([0-9a-f]{6}|[0-9a-f]{3})\b", value)
    if m:
        h = m.group(1) if len(m.group(1)) == 6 else "".join(c * 2 for c in m.group(1))
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0)
    m = re.search(r"rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:[ ,/]+([\d.]+))?\s*\)", value)
    if m:
        return (float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4) or 1))
    return None


def declared(selector: str, prop: str) -> str:
    """The last value of prop in a rule naming exactly this selector (rules outside @media first)."""
    found = [(media, decls[p]) for sels, decls, media in RULES if selector in sels
             for p in SHORTHANDS.get(prop, [prop]) if p in decls]
    if not found:
        raise LookupError(f"no {prop} for {selector!r} in {CSS_DIR}")
    outside = [v for media, v in found if not media]
    return (outside or [v for _, v in found])[-1]


def over(top, base):
    """A translucent colour composited over an opaque one."""
    a = top[3]
    return tuple(top[i] * a + base[i] * (1 - a) for i in range(3)) + (1.0,)


def luminance(c) -> float:
    def channel(v):
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])


def ratio(fg, bg) -> float:
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def colour(spec: str, base=None):
    """'selector::prop', 'var(--x)' or '#hex'; translucent values are composited over base."""
    if "::" in spec and not spec.startswith("var("):
        selector, prop = spec.rsplit("::", 1)
        c = rgba(declared(selector, prop))
    else:
        c = rgba(spec)
    assert c is not None, spec
    if c[3] < 1:
        assert base is not None, f"{spec} is translucent: give what it sits on"
        c = over(c, base)
    return c


PAGE, SURFACE = "body::background", ".card::background"
HEAD, TOPBAR = ".table thead th::background", ".topbar::background"
# (what, text or border, background, what it sits on if translucent, minimum)
PAIRS = [
    ("body text on the page", "body::color", PAGE, None, TEXT),
    ("body text on a card", "body::color", SURFACE, None, TEXT),
    ("body text in a table head", "body::color", HEAD, None, TEXT),
    ("body text on a hovered row", "body::color", ".table tbody tr:hover::background", None, TEXT),
    ("muted text on the page", ".muted::color", PAGE, None, TEXT),
    ("muted text on a card", ".muted::color", SURFACE, None, TEXT),
    ("muted text in a table head", ".muted::color", HEAD, None, TEXT),
    ("muted text on a hovered row", ".muted::color", ".table tbody tr:hover::background", None, TEXT),
    ("links on the page", "a::color", PAGE, None, TEXT),
    ("links on a card", "a::color", SURFACE, None, TEXT),
    ("links in a table head", "a::color", HEAD, None, TEXT),
    ("links on a hovered row", "a::color", ".table tbody tr:hover::background", None, TEXT),
    ("hovered links on a card", "a:hover::color", SURFACE, None, TEXT),
    ("links in an info alert", "a::color", ".alert-info::background", None, TEXT),
    ("links in a success alert", "a::color", ".alert-success::background", None, TEXT),
    ("codes on a card", ".code::color", SURFACE, None, TEXT),
    ("inline code", "body::color", "code::background", None, TEXT),
    ("the footer", ".site-footer::color", ".site-footer::background", None, TEXT),
    ("the skip link", ".skip-link::color", ".skip-link::background", None, TEXT),
    ("brand in the top bar", ".brand::color", TOPBAR, None, TEXT),
    ("nav links in the top bar", ".nav-link::color", TOPBAR, None, TEXT),
    ("hovered nav link", ".nav-link:hover::color", ".nav-link:hover::background", TOPBAR, TEXT),
    ("current nav link", ".nav-link::color", '.nav-link[aria-current="page"]::background', None, TEXT),
    ("current nav link marker", '.nav-link[aria-current="page"]::border-bottom-color',
     '.nav-link[aria-current="page"]::background', None, LARGE_OR_UI),
    ("role and school in the top bar", ".user-meta::color", TOPBAR, None, TEXT),
    ("change-password link", ".user-link::color", TOPBAR, None, TEXT),
    ("sign-out button", ".btn-topbar::color", TOPBAR, None, TEXT),
    ("sign-out button border", ".btn-topbar::border-color", TOPBAR, TOPBAR, LARGE_OR_UI),
    ("hovered sign-out button", ".btn-topbar:hover::color", ".btn-topbar:hover::background", TOPBAR, TEXT),
    ("focus ring in the top bar", "var(--focus-on-dark)", TOPBAR, None, LARGE_OR_UI),
    ("focus ring on a card", "var(--focus)", SURFACE, None, LARGE_OR_UI),
    ("focus ring on the page", "var(--focus)", PAGE, None, LARGE_OR_UI),
    ("input borders", "var(--line-strong)", SURFACE, None, LARGE_OR_UI),
    ("secondary button border", ".btn-secondary::border-color", PAGE, None, LARGE_OR_UI),
    ("field hints", ".field-hint::color", SURFACE, None, TEXT),
    ("field errors", ".field-error::color", SURFACE, None, TEXT),
    ("error summary links", ".error-summary-list a::color", ".error-summary::background", None, TEXT),
    ("table notes on the page", ".table-note::color", PAGE, None, TEXT),
    ("active status", ".status-active::color", SURFACE, None, TEXT),
    ("finding points", ".finding-points::color", SURFACE, None, TEXT),
    ("all right", ".all-good::color", SURFACE, None, TEXT),
    ("DRG differs", ".drg-different::color", SURFACE, None, TEXT),
    ("line right", ".line-status-right::color", SURFACE, None, TEXT),
    ("line partly right", ".line-status-partial::color", SURFACE, None, TEXT),
    ("line wrong", ".line-status-wrong::color", SURFACE, None, TEXT),
    ("line extra", ".line-status-extra::color", SURFACE, None, TEXT),
    ("practice draft status", ".practice-status-draft::color", SURFACE, None, TEXT),
    ("claim accepted", ".claim-outcome.is-accepted::color", SURFACE, None, TEXT),
    ("claim rejected", ".claim-outcome.is-rejected::color", SURFACE, None, TEXT),
    ("CMS-1500 box numbers", ".cms-num::color", SURFACE, None, TEXT),
    ("UB-04 slot numbers", ".ub-slot-num::color", SURFACE, None, TEXT),
    ("exam verdict pass", ".exam-verdict.is-pass::color", SURFACE, None, TEXT),
    ("exam key option", ".exam-answer-options .is-key::color", SURFACE, None, TEXT),
    ("exam option borders", ".exam-option-label::border-color", SURFACE, None, LARGE_OR_UI),
    ("exam flag on a cell", ".exam-cell.is-flagged::after::color", ".exam-cell::background", None, TEXT),
    ("exam flag on an answered cell", ".exam-cell.is-answered.is-flagged::after::color",
     ".exam-cell.is-answered::background", None, TEXT),
    ("exam text on a chosen option", "body::color", ".exam-radio:checked + .exam-option-label::background", None, TEXT),
    ("exam text on the key option", "body::color", ".exam-option.is-key .exam-option-label::background", None, TEXT),
    ("exam text on a wrong option", "body::color", ".exam-option.is-wrong .exam-option-label::background", None, TEXT),
    ("gradebook missing cell", "body::color", ".grade-missing::background", None, TEXT),
    ("gradebook late cell", "body::color", ".grade-late::background", None, TEXT),
    ("chart table toggle", ".chart-data > summary::color", SURFACE, None, TEXT),
    ("KPI values", ".kpi-value::color", SURFACE, None, TEXT),
    ("hero kicker", ".hero-kicker::color", PAGE, None, TEXT),
    ("tool card meta on hover", ".tool-card-meta::color", ".tool-card:hover::background", None, TEXT),
]


@pytest.mark.parametrize("what, fg, bg, base, minimum", PAIRS, ids=[p[0] for p in PAIRS])
def test_named_pairs_meet_aa(what, fg, bg, base, minimum):
    base_colour = colour(base) if base else None
    background = colour(bg, base_colour)
    value = ratio(colour(fg, background), background)
    assert value >= minimum, f"{what}: {value:.2f}:1 < {minimum}:1"


def solid_pairs():
    """Every rule that sets a text colour and an opaque background of its own."""
    out = []
    for selectors, decls, _ in RULES:
        fg = rgba(decls["color"]) if "color" in decls else None
        bg_value = decls.get("background-color") or decls.get("background")
        bg = rgba(bg_value) if bg_value else None
        if fg and bg and bg[3] == 1 and fg[3] == 1:
            out.append((", ".join(selectors), fg, bg))
    return out


def test_every_rule_with_its_own_text_and_background_meets_aa():
    pairs = solid_pairs()
    assert len(pairs) >= 30  # badges, buttons, alerts, chips, cells: the parser found them
    failing = [f"{sel}: {ratio(fg, bg):.2f}:1" for sel, fg, bg in pairs if ratio(fg, bg) < TEXT]
    assert failing == []


def test_the_ratio_is_the_wcag_one():
    assert ratio((0, 0, 0, 1), (255, 255, 255, 1)) == pytest.approx(21.0)
    assert ratio((118, 118, 118, 1), (255, 255, 255, 1)) == pytest.approx(4.54, abs=0.01)  # #767676, the AA edge
    assert over((255, 255, 255, 0.5), (0, 0, 0, 1))[:3] == (127.5, 127.5, 127.5)
