"""Chart Markdown: the bundled charts read as before, and no author text can run script."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.exercises import load_tree
from trainer.exercises.markdown import render, sanitize

ROOT = Path(__file__).resolve().parents[2] / "exercises"

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="4"/></svg>',
    '<svg><script>alert(1)</script></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">para</p>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=p></form>',
    "<!-- <script>alert(1)</script> -->",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "[x](https://ok.example \"t\" onmouseover=alert(1))",
]


def _no_active_content(html: str) -> None:
    lowered = html.lower()
    assert not re.search(r"<\s*(script|style|iframe|svg|img|math|form|input|object|embed)\b", lowered), html
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), html
    hrefs = re.findall(r'<a\s[^>]*href="([^"]*)"', lowered)  # only real tags: escaped text is harmless
    assert not any(re.match(r"\s*(javascript|vbscript|data):", h) for h in hrefs), html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_are_neutralised(payload):
    html = render(f"**Note:** {payload}\n\n{payload}\n\n- item {payload}\n\n| a |\n|---|\n| {payload} |")
    _no_active_content(html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitize_alone_strips_raw_html(payload):
    """The second layer holds even if the Markdown layer let raw HTML through."""
    _no_active_content(sanitize(payload))


def test_raw_html_is_shown_as_text_not_markup():
    html = render("Before <b>bold</b> and <script>x()</script> after")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&lt;script&gt;" in html
    assert "<b>" not in html


def test_links_keep_safe_schemes_with_rel():
    html = render("[site](https://example.org/a) and [mail](mailto:a@example.org) and [rel](/practice)")
    assert '<a href="https://example.org/a" rel="noopener noreferrer nofollow">site</a>' in html
    assert 'href="mailto:a@example.org"' in html and 'href="/practice"' in html


def test_label_lines_break_and_wrapped_lines_join():
    html = render("**Chief complaint:** cough\n**HPI:** three days of cough,\nworse at night.")
    assert html == ("<p><strong>Chief complaint:</strong> cough<br>\n<strong>HPI:</strong> three days of cough,\n"
                    "worse at night.</p>\n")


def test_structure_lists_tables_headings():
    html = render("# Findings\n\n1. one\n2. two\n\n- a\n- b\n\n| Test | Result |\n|:--|--:|\n| Na | 140 |")
    assert "<h4>Findings</h4>" in html and "<h1>" not in html
    assert html.count("<li>") == 4 and "<ol>" in html and "<ul>" in html
    assert '<td style="text-align:right">140</td>' in html


def test_every_bundled_chart_renders_its_lists_and_labels():
    """All bundled exercises (every variant): each list line becomes a list item, each bold label survives."""
    exercises, problems = load_tree(ROOT)
    assert problems == [] and len(exercises) >= 140
    list_line = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\S")
    for ex in exercises:
        for n in range(ex.variant_count):
            for doc in ex.variant(n)["documents"]:
                html = render(doc["body"])
                lines = doc["body"].split("\n")
                assert html.count("<li>") == sum(1 for line in lines if list_line.match(line)), (ex.id, doc["title"])
                assert html.count("<strong>") == doc["body"].count("**") // 2, (ex.id, doc["title"])
                assert "**" not in html and "&lt;" not in html.replace("&lt; ", ""), (ex.id, doc["title"])
