"""Charts as inline SVG, drawn here (no Flask, no JavaScript, no CDN).

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``; pages put the same
numbers in a table next to it for screen readers. Every text is escaped. Colours are presentation
attributes (the Content-Security-Policy forbids inline styles); series differ by colour, marker and
dash so colour is never the only cue, and every heatmap cell prints its value in black or white,
whichever contrasts more with the cell (at least 4.5:1).
"""
from __future__ import annotations

from html import escape

from markupsafe import Markup

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
TEXT, MUTED, GRID, AXIS = "#1b2430", "#4d5b6b", "#d5dce4", "#6b7a8c"
# At least 3:1 against white (WCAG 1.4.11 non-text contrast).
PALETTE = ("#0b5cad", "#b42318", "#1e7b34", "#8a4b08", "#6d28d9", "#0e7490", "#a3176b", "#4d5b6b")
MARKERS = ("circle", "square", "triangle", "diamond")
DASHES = ("", "6 3", "2 3")
# Diverging scale for 0..100 %: red (weak), near-white (half), blue (strong).
SCALE = ((0, (178, 24, 43)), (50, (247, 247, 247)), (100, (33, 102, 172)))
EMPTY_FILL = "#f3f5f8"


def esc(value) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, width: float, height: float, title: str, desc: str, css: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="{esc(css)}" viewBox="0 0 {_num(width)} {_num(height)}" '
            f'width="{_num(width)}" height="{_num(height)}" role="img" '
            f'aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc" {FONT} font-size="12">',
            f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
            f'<desc id="{esc(chart_id)}-desc">{esc(desc)}</desc>']


def _path(points: list[tuple[float, float]], colour: str) -> str:
    return f'<path d="M{"L".join(f"{_num(x)} {_num(y)}" for x, y in points)}Z" fill="{colour}"/>'


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return _path([(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)], colour)
    if kind == "diamond":
        return _path([(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)], colour)
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}"/>'


def series_style(i: int) -> tuple[str, str, str]:
    """(colour, marker, dash) of the i-th series: 8 colours x 4 markers x 3 dashes before a repeat."""
    return PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)], DASHES[(i // len(PALETTE)) % len(DASHES)]


def line_chart(chart_id: str, title: str, desc: str, x_labels: list[str],
               series: list[tuple[str, list[float | None]]], width: int = 720, plot_height: int = 240) -> Markup:
    """Values 0-100 (%) per x position; None leaves a gap. A legend below the plot."""
    left, right, top = 48, 36, 16  # room for the last x label, centred on the last point
    plot_w = width - left - right
    longest = max((min(len(name), 30) for name, _ in series), default=0)
    legend_cols = max(1, int(plot_w // (42 + 7 * longest)))
    legend_rows = (len(series) + legend_cols - 1) // legend_cols
    axis_bottom = top + plot_height
    height = axis_bottom + 44 + legend_rows * 20
    n = len(x_labels)

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if n <= 1 else i * plot_w / (n - 1))

    def y_at(v: float) -> float:
        return axis_bottom - max(0.0, min(100.0, v)) * plot_height / 100

    out = _open(chart_id, width, height, title, desc, "chart chart-line")
    for v in (0, 25, 50, 75, 100):
        y = y_at(v)
        out.append(f'<line x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}" '
                   f'stroke="{AXIS if v == 0 else GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" fill="{MUTED}">{v}%</text>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_bottom}" stroke="{AXIS}" stroke-width="1"/>')
    step = max(1, -(-n // 8))  # at most about 8 labels
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            out.append(f'<text x="{_num(x_at(i))}" y="{axis_bottom + 18}" text-anchor="middle" '
                       f'fill="{MUTED}">{esc(label)}</text>')
    for s, (name, values) in enumerate(series):
        colour, marker, dash = series_style(s)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="series"><title>{esc(name)}</title>')
        run: list[str] = []
        for i, v in enumerate([*values, None]):
            if v is not None:
                run.append(f"{_num(x_at(i))},{_num(y_at(v))}")
            elif run:
                if len(run) > 1:
                    out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                               f'stroke-width="2"{dash_attr}/>')
                run = []
        out += [_marker(marker, x_at(i), y_at(v), colour) for i, v in enumerate(values) if v is not None]
        out.append("</g>")
    for s, (name, _) in enumerate(series):
        colour, marker, dash = series_style(s)
        lx = left + (s % legend_cols) * (plot_w / legend_cols)
        ly = axis_bottom + 40 + (s // legend_cols) * 20
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        label = name if len(name) <= 30 else name[:29] + "…"
        out.append(f'<line x1="{_num(lx)}" y1="{ly}" x2="{_num(lx + 24)}" y2="{ly}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(_marker(marker, lx + 12, ly, colour))
        out.append(f'<text x="{_num(lx + 30)}" y="{ly + 4}" fill="{TEXT}">{esc(label)}</text>')
    out.append("</svg>")
    return Markup("\n".join(out))


def scale_colour(value: float) -> str:
    """The heatmap fill for a percentage (0-100)."""
    value = max(0.0, min(100.0, value))
    for (v0, c0), (v1, c1) in zip(SCALE, SCALE[1:]):
        if value <= v1:
            t = (value - v0) / (v1 - v0)
            return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(c0, c1))
    return "#" + "".join(f"{c:02x}" for c in SCALE[-1][1])


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (always at least 4.58:1)."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#ffffff") else "#ffffff"


def _cell(x: float, y: float, w: float, h: float, value: float | None, note: str) -> list[str]:
    fill = EMPTY_FILL if value is None else scale_colour(value)
    shown = "–" if value is None else f"{round(value)}%"
    return [f'<g><title>{esc(note)}</title>',
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" fill="{fill}" '
            f'stroke="#ffffff" stroke-width="2"/>',
            f'<text x="{_num(x + w / 2)}" y="{_num(y + h / 2 + 4)}" text-anchor="middle" '
            f'fill="{TEXT if value is None else text_colour(fill)}">{esc(shown)}</text></g>']


def heatmap(chart_id: str, title: str, desc: str, rows: list[str], columns: list[str],
            values: list[list[float | None]], notes: list[list[str]] | None = None) -> Markup:
    """Rows x columns of percentages (None: not enough data), the value printed in each cell, with
    rotated column labels above and a five-step colour key below. ``notes``: a tooltip per cell."""
    cell_w, cell_h = 64, 30
    row_labels = [r if len(r) <= 26 else r[:25] + "…" for r in rows]
    col_labels = [c if len(c) <= 30 else c[:29] + "…" for c in columns]
    left = 16 + 7 * max((len(r) for r in row_labels), default=4)
    top = 16 + int(0.72 * 6.6 * max((len(c) for c in col_labels), default=4))
    # the rotated labels lean right: the last ones reach past the grid
    reach = max((left + j * cell_w + cell_w / 2 + 0.72 * 6.6 * len(c) for j, c in enumerate(col_labels)), default=0)
    width = max(left + cell_w * len(columns) + 24, reach + 16, left + 6 * 48 + 150)
    grid_bottom = top + cell_h * len(rows)
    height = grid_bottom + 64
    out = _open(chart_id, width, height, title, desc, "chart chart-heatmap")
    for j, label in enumerate(col_labels):
        x = left + j * cell_w + cell_w / 2
        out.append(f'<text transform="translate({_num(x)} {top - 8}) rotate(-45)" fill="{TEXT}">'
                   f'{esc(label)}<title>{esc(columns[j])}</title></text>')
    for i, label in enumerate(row_labels):
        y = top + i * cell_h
        out.append(f'<text x="{left - 8}" y="{_num(y + cell_h / 2 + 4)}" text-anchor="end" fill="{TEXT}">'
                   f'{esc(label)}<title>{esc(rows[i])}</title></text>')
        for j, value in enumerate(values[i]):
            note = notes[i][j] if notes else f"{rows[i]}, {columns[j]}"
            out += _cell(left + j * cell_w, y, cell_w, cell_h, value, note)
    key_y = grid_bottom + 28
    out.append(f'<text x="{left - 8}" y="{key_y + 19}" text-anchor="end" fill="{MUTED}">Key</text>')
    for k, v in enumerate((0, 25, 50, 75, 100)):
        out += _cell(left + k * 48, key_y, 48, 28, v, f"{v}% mastery")
    out += _cell(left + 5 * 48 + 12, key_y, 48, 28, None, "not enough data")
    out.append(f'<text x="{left + 6 * 48 + 18}" y="{key_y + 19}" fill="{MUTED}">not enough data</text>')
    out.append("</svg>")
    return Markup("\n".join(out))
