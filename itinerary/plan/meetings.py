"""The matchmaking part of a plan, and the `itinerary-meetings/1` file of `itinerary match`.

An event item with matchmaking carries `meetings` and `unmatched` (the same objects as the
meetings file) and `matchmaking`: what the exports need to print schedules without solving
again (participants with their names and languages, tables, slots, score and bound)."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MEETINGS_FORMAT: Final = "itinerary-meetings/1"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class MeetingCause(_Model):
    """Why a request is left out, as a code and values (names), worded by
    `match.explain.word` in en, de or fr."""

    code: str
    args: dict[str, str | int] = Field(default_factory=dict)


class Meeting(_Model):
    start: AwareDatetime
    end: AwareDatetime
    table: str  # the table's id
    with_: list[str] = Field(alias="with")  # two participant ids, the first who asked first
    priority: int  # the sum of the requests it serves (a must one counts 100)
    must: bool | None = None  # serves a `must` request
    interpreter: bool | None = None  # the two share no language


class Unmatched(_Model):
    with_: list[str] = Field(alias="with")
    priority: int
    must: bool | None = None
    reason: str  # in English; `cause` words it in other languages
    cause: MeetingCause | None = None


class MeetingPerson(_Model):
    id: str
    name: str
    organisation: str | None = None
    email: str | None = None
    languages: list[str] | None = None  # what they meet in (absent: not known)
    # The language their schedule is printed in (en, de, fr).
    language: Literal["en", "de", "fr"]
    member: bool | None = None  # a member of the delegation
    available: list[AwareDatetime] | None = None  # [from, to] when not there all along


class MeetingTable(_Model):
    id: str
    name: str


class MeetingSlot(_Model):
    start: AwareDatetime
    end: AwareDatetime


class Matchmaking(_Model):
    score: int
    bound: int
    optimal: bool
    idle_gaps: int
    # No schedule of the same meetings has fewer idle gaps (proven; absent: not known).
    gaps_optimal: bool | None = None
    tables: list[MeetingTable]
    slots: list[MeetingSlot]
    participants: list[MeetingPerson]
    interpreters: int | None = None
    max_meetings: int | None = None


class MeetingsEvent(_Model):
    """One event of the meetings file: the issue's keys (id, score, bound, optimal, meetings,
    unmatched), then what a schedule is printed from."""

    id: str
    name: str
    score: int
    bound: int
    optimal: bool
    meetings: list[Meeting]
    unmatched: list[Unmatched]
    idle_gaps: int
    gaps_optimal: bool | None = None
    tables: list[MeetingTable]
    slots: list[MeetingSlot]
    participants: list[MeetingPerson]
    interpreters: int | None = None
    max_meetings: int | None = None

    @property
    def matchmaking(self) -> Matchmaking:
        """The same facts as a plan's event item holds them (every field of `Matchmaking`)."""
        return Matchmaking(**{key: getattr(self, key) for key in Matchmaking.model_fields})

    @staticmethod
    def of(
        id: str, name: str, meetings: list[Meeting], unmatched: list[Unmatched], info: Matchmaking
    ) -> MeetingsEvent:
        return MeetingsEvent(
            id=id, name=name, meetings=meetings, unmatched=unmatched, **info.model_dump()
        )


class MeetingsFile(_Model):
    format: Literal["itinerary-meetings/1"] = MEETINGS_FORMAT
    events: list[MeetingsEvent]

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2, exclude_none=True) + "\n"
