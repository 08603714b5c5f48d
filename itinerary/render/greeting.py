"""The opening line of a host letter, from the contact's name and `salutation`, in the letter's
language: "Sehr geehrte Frau Dr. Müller,", "Madame,", "Dear Dr Müller,".

A salutation is read as a form of address ("Frau", "Herr", "Madame", "Monsieur", "Ms", "Mr",
…) and titles ("Dr.", "Prof.", "Docteur", …), in any of the three languages, so that a letter
in English to a German host whose file says "Frau Dr." still opens "Dear Dr Müller,". Words
it does not know are kept as written, after the form of address. Without a salutation, or
without a name to go with it, the letter opens with the language's neutral formal greeting: the
contact may be a function ("Werkschutz / Besucheranmeldung"), not a person.

French business letters open with the form of address alone ("Madame,", "Monsieur,"), never
with the name; a French letter to someone whose form of address is not known opens "Madame,
Monsieur,".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..input.spec import Contact

Gender = Literal["f", "m"]

NEUTRAL = {
    "en": "Dear Sir or Madam,",
    "de": "Sehr geehrte Damen und Herren,",
    "fr": "Madame, Monsieur,",
}

# Forms of address, lower-case and without a final dot; English ones keep their own word in
# an English letter ("Mrs", "Miss"), the others become "Ms" / "Mr".
_FORMS: dict[str, tuple[Gender, str | None]] = {
    "frau": ("f", None),
    "madame": ("f", None),
    "mme": ("f", None),
    "mademoiselle": ("f", None),
    "mlle": ("f", None),
    "ms": ("f", "Ms"),
    "mrs": ("f", "Mrs"),
    "miss": ("f", "Miss"),
    "herr": ("m", None),
    "monsieur": ("m", None),
    "m": ("m", None),
    "mr": ("m", "Mr"),
}
_DOCTOR = {"dr", "doctor", "doktor", "docteur", "docteure", "dr-ing", "dr.-ing"}
_PROFESSOR = {"prof", "professor", "professorin", "professeur", "professeure"}
_FILLERS = {"le", "la"}  # "Madame la Professeure"
# Lower-case words that begin a family name: "von der Leyen", "de la Tour", "van Dijk".
_PARTICLES = {"von", "van", "de", "der", "den", "du", "des", "la", "le", "di", "da", "del", "zu"}


@dataclass(frozen=True)
class Address:
    """A salutation read: the form of address (if any), the titles in order, and the words
    that are neither (kept as written)."""

    gender: Gender | None
    english_form: str | None  # "Mrs", when the salutation said so in English
    doctor: bool
    professor: bool
    titles: tuple[str, ...]  # as written, for a German letter ("Prof. Dr.", "Dr.-Ing.")
    other: tuple[str, ...]


def read_salutation(salutation: str) -> Address:
    gender: Gender | None = None
    english: str | None = None
    doctor = professor = False
    titles: list[str] = []
    other: list[str] = []
    for word in salutation.replace(",", " ").split():
        key = word.lower().rstrip(".")
        if key in _FORMS and gender is None:
            gender, english = _FORMS[key]
        elif key in _DOCTOR or key.startswith(("dr.", "dr-")):
            doctor = True
            # German writes "Dr." (and keeps "Dr.-Ing."); "Docteur", "Doctor" become "Dr.".
            titles.append(word if key.startswith(("dr.", "dr-")) else "Dr.")
        elif key in _PROFESSOR:
            professor = True
            titles.append("Professor" if key == "professor" else "Prof.")
        elif key not in _FILLERS:
            other.append(word)
    return Address(gender, english, doctor, professor, tuple(titles), tuple(other))


def family_name(name: str) -> str:
    """'Katrin Müller' -> 'Müller'; 'Ursula von der Leyen' -> 'von der Leyen'; a single word
    is the name itself."""
    words = name.split()
    for i, word in enumerate(words[1:], 1):
        if word in _PARTICLES:
            return " ".join(words[i:])
    return words[-1] if words else ""


def greeting(contact: Contact | None, lang: str) -> str:
    """The letter's first line, ending in a comma. The text is plain (escape it for Markdown)."""
    name = " ".join((contact.name or "").split()) if contact else ""
    salutation = (contact.salutation or "").strip() if contact else ""
    if not name or not salutation:
        return NEUTRAL[lang]
    address = read_salutation(salutation)
    surname = family_name(name)
    if lang == "fr":
        if address.gender == "f":
            return "Madame,"
        if address.gender == "m":
            return "Monsieur,"
        return NEUTRAL["fr"]
    if lang == "de":
        words = " ".join((*address.titles, *address.other, surname))
        if address.gender == "f":
            return f"Sehr geehrte Frau {words},"
        if address.gender == "m":
            return f"Sehr geehrter Herr {words},"
        return f"Guten Tag {' '.join((*address.titles, *address.other, name))},"
    # English: the highest title replaces Ms/Mr ("Dear Dr Müller", "Dear Professor Smith").
    if address.professor:
        form = "Professor"
    elif address.doctor:
        form = "Dr"
    elif address.gender is not None:
        form = address.english_form or ("Ms" if address.gender == "f" else "Mr")
    else:
        form = ""
    words = " ".join(w for w in (form, *address.other) if w)
    return f"Dear {words} {surname}," if words else f"Dear {name},"


__all__ = ["NEUTRAL", "Address", "family_name", "greeting", "read_salutation"]
