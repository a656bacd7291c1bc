"""The KPI type (指標区分) of a KPI: as entered by the section, else a guess from its name (pure).

The guess is transparent: it names the word it was based on, and every finding built on it
says it is a guess. The words are data (`[lint.kpi_type_words]` of the rules file). The
longest word found in the name wins (「開催数」 beats 「数」); on a tie, the type listed first.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..enums import KpiType
from ..model import Kpi
from .context import AuditRules

__all__ = ["KpiTypeView", "guess_kpi_type", "kpi_type_of"]


@dataclass(frozen=True, slots=True)
class KpiTypeView:
    """The type a rule should use for a KPI, and whether (and from which word) it was guessed."""

    kpi_type: KpiType | None
    guessed: bool = False
    keyword: str = ""

    @property
    def label(self) -> str:
        """「アウトプット」, 「アウトプット（推定）」 or 「不明」 for people."""
        if self.kpi_type is None:
            return "不明"
        return f"{self.kpi_type.value}（推定）" if self.guessed else self.kpi_type.value

    @property
    def label_en(self) -> str:
        """"output", "output (guessed)" or "unknown" in English messages."""
        if self.kpi_type is None:
            return "unknown"
        return f"{self.kpi_type.english} (guessed)" if self.guessed else self.kpi_type.english


def guess_kpi_type(name: str, rules: AuditRules) -> tuple[KpiType | None, str]:
    """Guess a KPI's type from its name; returns the type and the word it rests on.

    :param name: the KPI name, e.g. 「各種講座の開催数」 → (活動, 「開催数」).
    :param rules: the thresholds, whose `kpi_type_words` lists the words of each type.
    """
    text = unicodedata.normalize("NFKC", name)
    best: tuple[int, int, KpiType, str] | None = None  # (length, -priority, type, word)
    for priority, (kpi_type, words) in enumerate(rules.kpi_type_words):
        for word in words:
            if word and unicodedata.normalize("NFKC", word) in text:
                candidate = (len(word), -priority, kpi_type, word)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    return (best[2], best[3]) if best else (None, "")


def kpi_type_of(kpi: Kpi, rules: AuditRules) -> KpiTypeView:
    """The entered type of a KPI, or the guess from its name when none was entered."""
    if kpi.kpi_type is not None:
        return KpiTypeView(kpi.kpi_type)
    guess, word = guess_kpi_type(kpi.name, rules)
    return KpiTypeView(guess, guessed=guess is not None, keyword=word)
