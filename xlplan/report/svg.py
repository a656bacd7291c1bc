"""Inline SVG charts for the council report: no script, no web font, no network (pure strings).

Every chart carries a <title> and an aria-label, and the report prints the same figures in a
table beside it, so a reader without the picture (or a screen reader) loses nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "Segment", "grouped_bars", "ink", "progress_track", "stacked_bars", "text_width"]

FONT = "font-family=\"'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo',sans-serif\""
GRID = "#D9D9D9"
TEXT = "#262626"


@dataclass(frozen=True, slots=True)
class Segment:
    """One coloured part of a stacked bar."""

    label: str
    value: float
    colour: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled row of a chart: its segments (stacked) or its series values (grouped)."""

    label: str
    segments: tuple[Segment, ...]


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
        f'fill="{TEXT}">{escape(text)}</text>'
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" {FONT}><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    parts = []
    for label, colour in items:
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 16, y, label))
        x += 28 + 13 * len(label)
    return parts


def stacked_bars(title: str, bars: Sequence[Bar], *, width: int = 900) -> str:
    """Horizontal stacked bars (e.g. grades A–D per stage), each segment labelled with its count."""
    label_width = min(max((text_width(b.label) for b in bars), default=100) + 16, width // 2)
    row, top = 30, 40
    plot = width - label_width - 60
    biggest = max((sum(s.value for s in b.segments) for b in bars), default=0) or 1
    body = [_text(0, 16, title, size=14, weight="bold")]
    for i, bar in enumerate(bars):
        y = top + i * row
        body.append(_text(label_width - 8, y + 17, bar.label, anchor="end"))
        x = float(label_width)
        for segment in bar.segments:
            if segment.value <= 0:
                continue
            w = plot * segment.value / biggest
            body.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row - 10}" fill="{segment.colour}">'
                f"<title>{escape(f'{bar.label} {segment.label}: {segment.value:g}')}</title></rect>"
            )
            if w >= 18:
                # the letter beside its colour where there is room (colour is never the only cue)
                shown = (
                    f"{segment.label} {segment.value:g}"
                    if w >= 40 and len(segment.label) == 1
                    else f"{segment.value:g}"
                )
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 17}" font-size="11" text-anchor="middle" '
                    f'fill="{ink(segment.colour)}">{escape(shown)}</text>'
                )
            x += w
        total = sum(s.value for s in bar.segments)
        body.append(_text(x + 6, y + 17, f"{total:g}"))
    legend_y = top + len(bars) * row + 18
    seen = list(dict.fromkeys((s.label, s.colour) for b in bars for s in b.segments))
    body += _legend(seen, label_width, legend_y)
    return _svg(width, legend_y + 12, title, body)


def ink(colour: str) -> str:
    """Black or white, whichever reads better on the fill `colour` ("#RRGGBB")."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#FFFFFF"


def text_width(text: str, size: int = 12) -> int:
    """Rough pixel width of a text: full-width characters take a full em, others half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WFA" else size // 2 + 1 for ch in text)


def grouped_bars(title: str, bars: Sequence[Bar], *, unit: str, width: int = 960) -> str:
    """Horizontal grouped bars (e.g. budget beside settlement per group), values printed at the end."""
    label_width = min(max((text_width(b.label) for b in bars), default=100) + 16, width // 2)
    series = max((len(b.segments) for b in bars), default=1)
    bar_h, gap, top = 14, 12, 40
    row = series * bar_h + gap
    plot = width - label_width - 110
    biggest = max((s.value for b in bars for s in b.segments), default=0) or 1
    body = [_text(0, 16, title, size=14, weight="bold")]
    for i, bar in enumerate(bars):
        y = top + i * row
        body.append(_text(label_width - 8, y + row / 2, bar.label, anchor="end"))
        for j, segment in enumerate(bar.segments):
            w = max(plot * segment.value / biggest, 0.5 if segment.value else 0)
            yy = y + j * bar_h
            body.append(
                f'<rect x="{label_width}" y="{yy}" width="{w:.1f}" height="{bar_h - 2}" fill="{segment.colour}">'
                f"<title>{escape(f'{bar.label} {segment.label}: {segment.value:,.0f}{unit}')}</title></rect>"
            )
            body.append(_text(label_width + w + 4, yy + 10, f"{segment.value:,.0f}", size=10))
        body.append(
            f'<line x1="{label_width}" x2="{width - 20}" y1="{y + row - gap / 2:.1f}" '
            f'y2="{y + row - gap / 2:.1f}" stroke="{GRID}"/>'
        )
    legend_y = top + len(bars) * row + 14
    seen = list(dict.fromkeys((s.label, s.colour) for b in bars for s in b.segments))
    body += _legend(seen, label_width, legend_y)
    body.append(_text(width - 20, legend_y, f"単位: {unit}", anchor="end", size=11))
    return _svg(width, legend_y + 12, title, body)


def progress_track(progress: float | None, *, reached: bool, width: int = 260) -> str:
    """A track from the baseline (left tick) to the target (right tick) with the actual as a dot.

    :param progress: (actual − baseline) ÷ (target − baseline), direction-aware; None = unknown.
    :param reached: the target is met (the dot turns green).
    """
    left, right, height = 20, width - 40, 26
    if progress is None:
        return _svg(width, height, "進捗を算出できません", [_text(left, 17, "—（算出不可）", size=11)])
    shown = min(max(progress, -0.25), 1.25)
    x = left + (right - left) * (shown + 0.25) / 1.5
    base_x = left + (right - left) * 0.25 / 1.5
    target_x = left + (right - left) * 1.25 / 1.5
    colour = "#2E7D32" if reached else ("#C62828" if progress < 0 else "#1F4E78")
    body = [
        f'<line x1="{left}" x2="{right}" y1="13" y2="13" stroke="{GRID}" stroke-width="6" stroke-linecap="round"/>',
        f'<line x1="{base_x:.1f}" x2="{min(x, target_x) if progress >= 0 else base_x:.1f}" y1="13" y2="13" '
        f'stroke="{colour}" stroke-width="6"/>',
        f'<line x1="{base_x:.1f}" x2="{base_x:.1f}" y1="4" y2="22" stroke="#7F7F7F" stroke-width="2"/>',
        f'<line x1="{target_x:.1f}" x2="{target_x:.1f}" y1="4" y2="22" stroke="#000000" stroke-width="2"/>',
        f'<circle cx="{x:.1f}" cy="13" r="6" fill="{colour}" stroke="#FFFFFF" stroke-width="1.5"/>',
        _text(right + 6, 17, f"{progress:.0%}", size=11),
    ]
    return _svg(width, height, f"基準値から目標値までの進捗 {progress:.0%}", body)
