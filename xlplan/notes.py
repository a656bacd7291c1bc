"""A text for people in Japanese with its English beside it, for messages made below the app layer.

`Note` is a str (its Japanese), so code that knows no language prints it as before; `note_text`
picks the English under `--lang en`. It lives here, outside `xlplan/app`, so that adapters
(`report/pdf_engine.py`, `install.py`) can word their notes in both languages.
"""

from __future__ import annotations

__all__ = ["Note", "note_text"]


class Note(str):
    """A note for people (a str: the Japanese text) carrying its English beside it.

    Being a str, a note prints and compares as its Japanese text wherever no language is chosen.
    """

    english: str

    def __new__(cls, japanese: str, english: str = "") -> Note:
        note = super().__new__(cls, japanese)
        note.english = english
        return note


def note_text(note: str, lang: str = "ja") -> str:
    """A note in `lang`: its English for "en" when it has one, else its Japanese."""
    english = getattr(note, "english", "")
    return english if lang == "en" and english else str(note)
