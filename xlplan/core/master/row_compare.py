"""Compare two copies of the same rows, cell by cell, and say where they differ (pure).

Rows come as the section sheets hold them (`core.disassemble.section_records`), each with the
`RowSource` it was read from, so every difference names the cell on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..findings import Code, Finding
from ..layout import MEASURES, SheetLayout
from ..model import RowSource
from .provenance import address_of, cell_of

__all__ = ["MISSING", "Row", "address_or_unknown", "compare_rows", "with_sources"]

Row = tuple[Mapping[str, object], RowSource | None]
MISSING = "（なし）"


def with_sources(sources: Sequence[RowSource | None], records: Sequence[Mapping[str, object]]) -> list[Row]:
    """Pair each record with its source (both in the same order)."""
    return list(zip(records, sources, strict=True))


def compare_rows(
    layout: SheetLayout,
    keys: tuple[str, ...],
    kept_rows: list[Row],
    other_rows: list[Row],
    kept_parent: RowSource | None = None,
    other_parent: RowSource | None = None,
    *,
    only: Sequence[str] | None = None,
    parent_layout: SheetLayout = MEASURES,
    parent_field: str = "measure_id",
) -> list[Finding]:
    """Compare two copies of one entity's rows on a sheet, matched on `keys`; a finding per differing cell.

    :param layout: the sheet the rows follow (it gives headers and column letters).
    :param keys: the fields that match a row of one copy with a row of the other.
    :param kept_rows: the kept copy's rows with their sources.
    :param other_rows: the other copy's rows with their sources.
    :param kept_parent: the kept entity's own row, where a row it lacks is reported.
    :param other_parent: the other entity's own row, named when the other copy lacks a row.
    :param only: compare these fields only (default: every column).
    """
    findings: list[Finding] = []
    kept_by_key = _keyed(kept_rows, keys)
    other_by_key = _keyed(other_rows, keys)
    fields = only or [c.field for c in layout.columns]
    for key, (record, source) in kept_by_key.items():
        if key not in other_by_key:
            findings.append(
                _conflict(
                    layout,
                    keys[-1],
                    source,
                    record.get(keys[-1]),
                    address_or_unknown(other_parent, parent_layout, parent_field),
                    MISSING,
                )
            )
            continue
        other_record, other_source = other_by_key[key]
        for name in fields:
            mine, theirs = record.get(name), other_record.get(name)
            if _same(mine, theirs):
                continue
            findings.append(_conflict(layout, name, source, mine, address_of(other_source, layout, name), theirs))
    for key, (record, source) in other_by_key.items():
        if key not in kept_by_key:
            findings.append(
                _conflict(
                    layout,
                    keys[-1],
                    kept_parent,
                    MISSING,
                    address_of(source, layout, keys[-1]),
                    record.get(keys[-1]),
                    at_layout=parent_layout,
                    at_field=parent_field,
                )
            )
    return findings


def _keyed(rows: Iterable[Row], keys: tuple[str, ...]) -> dict[tuple[object, ...], Row]:
    """Rows by key; a repeated key gets a running number so that no row is lost."""
    found: dict[tuple[object, ...], Row] = {}
    for record, source in rows:
        key = tuple(record.get(k) for k in keys)
        n = 1
        while key in found:
            n += 1
            key = (*key[: len(keys)], n)
        found[key] = (record, source)
    return found


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return (a if a != "" else None) == (b if b != "" else None)


def address_or_unknown(source: RowSource | None, layout: SheetLayout, field_name: str) -> str:
    """`file!sheet!cell` of a field, or 「（不明）」."""
    return address_of(source, layout, field_name) or "（不明）"


def _conflict(
    layout: SheetLayout,
    field_name: str,
    source: RowSource | None,
    value: object,
    other: str,
    other_value: object,
    *,
    at_layout: SheetLayout | None = None,
    at_field: str | None = None,
) -> Finding:
    where_layout = at_layout or layout
    where_field = at_field or field_name
    return Finding.of(
        Code.CONSOLIDATION_CONFLICT,
        file=source.file if source else "",
        sheet=source.sheet if source else "",
        cell=cell_of(source, where_layout, where_field),
        column=layout.column(field_name).header,
        value=_shown(value),
        other=other,
        other_value=_shown(other_value),
    )


def _shown(value: object) -> object:
    return "（空欄）" if value is None or value == "" else value
