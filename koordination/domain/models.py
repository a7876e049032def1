"""The tables: SQLAlchemy 2.x typed models of the city's network directory."""

# No ``from __future__ import annotations`` here: SQLAlchemy would evaluate every column's
# annotation string with a copy of this module's namespace (~10 ms of every command's start).
# Annotations are objects at once; a relationship naming a model is written as a string,
# "Mapped[list[PersonEmail]]", which SQLAlchemy resolves when it configures the mappers.

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from koordination.domain.enums import (
    AttendanceStatus,
    Bundesland,
    CardKind,
    Channel,
    CircularState,
    ConsentChannel,
    ConsentPurpose,
    DecisionResult,
    GroupKind,
    GroupRole,
    HoursPeriod,
    LabeledEnum,
    LegalBasis,
    MeasureStatus,
    MeetingKind,
    MeetingStatus,
    MinutesKind,
    MinutesStatus,
    OfferKind,
    OfferStatus,
    OrganisationKind,
    PrivacyRequestKind,
    QuestionType,
    ResponseSource,
    ResponseStatus,
    ReviewKind,
    Sector,
    StandingItem,
    SurveyAudience,
    SurveyStatus,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC instants in and out, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; koordination stores aware instants only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_type(cls: type[LabeledEnum], name: str) -> Enum:
    # Stored as the member's value in a VARCHAR with a CHECK constraint on both backends,
    # so adding a member later is a plain migration, not an ALTER TYPE.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    """Optimistic concurrency: every save bumps ``version``; a stale save is refused."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class CityProfile(Versioned, Base):
    """The city's Steckbrief and its Koordinierungsstelle; one row per database."""

    __tablename__ = "city_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    bundesland: Mapped[Bundesland | None] = mapped_column(enum_type(Bundesland, "bundesland"))
    inhabitants: Mapped[int | None]
    network_since: Mapped[int | None]
    tandem_partner: Mapped[str] = mapped_column(String(200), default="")
    portrait: Mapped[str] = mapped_column(Text, default="")
    focus: Mapped[str] = mapped_column(Text, default="")
    vision: Mapped[str] = mapped_column(Text, default="")
    achievements: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    hashtags: Mapped[str] = mapped_column(Text, default="")
    office_name: Mapped[str] = mapped_column(String(200), default="")
    office_address: Mapped[str] = mapped_column(Text, default="")
    office_phone: Mapped[str] = mapped_column(String(100), default="")
    office_email: Mapped[str] = mapped_column(String(320), default="")
    # The programme asks for one fixed contact person and a commitment to its principles.
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    principles_accepted_on: Mapped[date | None] = mapped_column(Date)
    # The controller's data for the Art. 13/14/15 texts and the Art. 30 record (DSGVO): who is
    # responsible, whom to ask, where to complain, on which norms, with whom data is shared.
    controller: Mapped[str] = mapped_column(Text, default="", server_default="")
    dpo_contact: Mapped[str] = mapped_column(Text, default="", server_default="")
    supervisory_authority: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The state-law norm that, with Art. 6 (1) lit. e DSGVO, allows the office's public task.
    state_law_basis: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: Legal basis per processing purpose as JSON {"purpose key": "text"}; empty: the defaults.
    legal_bases: Mapped[str] = mapped_column(Text, default="", server_default="")
    processors: Mapped[str] = mapped_column(Text, default="", server_default="")
    recipients: Mapped[str] = mapped_column(Text, default="", server_default="")
    third_country_transfers: Mapped[str] = mapped_column(Text, default="", server_default="")


class Organisation(Versioned, Base):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # One organisation per folded spelling: "AWO Musterstadt" and "awo  musterstadt" are one.
    name_key: Mapped[str] = mapped_column(String(300), index=True, unique=True)
    short_name: Mapped[str] = mapped_column(String(100), default="")
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "sector"), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, "organisation_kind"))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    search_text: Mapped[str] = mapped_column(Text, default="")


class Person(Versioned, Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    salutation: Mapped[str] = mapped_column(String(50), default="")
    title: Mapped[str] = mapped_column(String(100), default="")
    given_name: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200))
    postal_address: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    preferred_channel: Mapped[Channel] = mapped_column(
        enum_type(Channel, "channel"), default=Channel.EMAIL
    )
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Set when the person was erased (Art. 17 DSGVO): the row stays as "N. N. (…)" so that
    #: minutes, attendance and statistics still add up; no personal data is left in it.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why the person was archived (e.g. "ausgeschieden", "verzogen").
    archive_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Restriction of processing (Art. 18 DSGVO): while set, no invitation, mailing, export,
    #: open data or edit touches the person.
    restricted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    restriction_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Where the data came from when not from the person (Art. 14 DSGVO), e.g. an imported list;
    #: the person is flagged until the office records that the information was sent.
    art14_source: Mapped[str] = mapped_column(String(300), default="", server_default="")
    art14_informed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Denormalised for fast listing: sort key (family, given name folded) and the text that
    # search-as-you-type looks in (names, e-mails, current organisations), both lower-case.
    sort_key: Mapped[str] = mapped_column(String(500), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")

    emails: "Mapped[list[PersonEmail]]" = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonEmail.position"
    )
    phones: "Mapped[list[PersonPhone]]" = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonPhone.position"
    )
    tags: "Mapped[list[PersonTag]]" = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonTag.tag"
    )
    consents: "Mapped[list[Consent]]" = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Consent.id"
    )
    affiliations: "Mapped[list[Affiliation]]" = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Affiliation.id"
    )
    memberships: "Mapped[list[GroupMembership]]" = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        order_by="GroupMembership.id",
        foreign_keys="GroupMembership.person_id",
    )
    __table_args__ = (
        # The list in name order, and search-as-you-type: a page of a substring search walks
        # this covering index in list order and stops after the page's last match, never
        # reading the wide table rows. (PostgreSQL also has trigram indexes on the search
        # texts, made by migration 0014 where pg_trgm can be had; not declared here.)
        Index("ix_person_search", "archived", "sort_key", "id", "search_text"),
    )


class PersonEmail(Base):
    __tablename__ = "person_email"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(320))
    # An address belongs to one person only: it is how imports and replies find the person.
    address_key: Mapped[str] = mapped_column(String(320), index=True, unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    person: "Mapped[Person]" = relationship(back_populates="emails")


class PersonPhone(Base):
    __tablename__ = "person_phone"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    person: "Mapped[Person]" = relationship(back_populates="phones")


class PersonTag(Base):
    __tablename__ = "person_tag"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    person: "Mapped[Person]" = relationship(back_populates="tags")


class ConsentText(Base):
    """One wording of a consent in the office's catalogue: purpose, version, text, valid from.
    A consent points at the wording the person agreed to, which makes it provable."""

    __tablename__ = "consent_text"
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose, "consent_purpose"))
    version: Mapped[str] = mapped_column(String(50))
    wording: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("purpose", "version"),)


class Consent(Base):
    """One consent as given; withdrawal sets ``withdrawn_at``, renewal adds a new row."""

    __tablename__ = "consent"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose, "consent_purpose"))
    legal_basis: Mapped[LegalBasis] = mapped_column(enum_type(LegalBasis, "legal_basis"))
    text_version: Mapped[str] = mapped_column(String(100), default="")
    #: The catalogue wording agreed to (None only for consents recorded before the catalogue).
    text_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_text.id", ondelete="RESTRICT"), index=True
    )
    channel: Mapped[ConsentChannel | None] = mapped_column(
        enum_type(ConsentChannel, "consent_channel")
    )
    #: Where the proof is kept: a form's file number, a mail's date and subject, a list's name.
    evidence: Mapped[str] = mapped_column(String(500), default="", server_default="")
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_channel: Mapped[ConsentChannel | None] = mapped_column(
        enum_type(ConsentChannel, "withdrawal_channel")
    )
    person: "Mapped[Person]" = relationship(back_populates="consents")


class Affiliation(Base):
    __tablename__ = "affiliation"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    function: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    person: "Mapped[Person]" = relationship(back_populates="affiliations")
    organisation: "Mapped[Organisation]" = relationship()


class Group(Versioned, Base):
    __tablename__ = "network_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[GroupKind] = mapped_column(enum_type(GroupKind, "group_kind"))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_group.id", ondelete="SET NULL"), index=True
    )
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    parent: "Mapped[Group | None]" = relationship(remote_side="Group.id")
    memberships: "Mapped[list[GroupMembership]]" = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMembership.id"
    )


class GroupMembership(Base):
    __tablename__ = "group_membership"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("network_group.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[GroupRole] = mapped_column(enum_type(GroupRole, "group_role"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    voting_right: Mapped[bool] = mapped_column(Boolean, default=True)
    representing_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    group: "Mapped[Group]" = relationship(back_populates="memberships")
    person: "Mapped[Person]" = relationship(back_populates="memberships", foreign_keys=[person_id])
    representing: "Mapped[Organisation | None]" = relationship()


class MeetingGroup(Base):
    """Which groups organise a meeting (one or more)."""

    __tablename__ = "meeting_group"
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("network_group.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Meeting(Versioned, Base):
    """A meeting or a whole series of meetings (``rrule`` set), as one calendar object.

    ``uid`` never changes; ``sequence`` rises with every change of time, place or rule, as
    iTIP (RFC 5546) demands, so calendars replace the old entry instead of adding one.
    """

    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind, "meeting_kind"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(Text, default="")
    room: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus, "meeting_status"), default=MeetingStatus.GEPLANT
    )
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    rrule: Mapped[str | None] = mapped_column(String(500))
    #: The last occurrence's end (UTC), None for an endless series: lets a date-range query
    #: skip series that are over without expanding them.
    last_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: The SEQUENCE of the last change that needs a full REQUEST (time, place, rule, title…);
    #: cancelling single occurrences raises ``sequence`` only, and goes out as CANCEL.
    request_sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: When a series was changed "from a date on", the new part points to the old one.
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    groups: "Mapped[list[Group]]" = relationship(secondary="meeting_group", order_by="Group.name")
    overrides: "Mapped[list[MeetingOverride]]" = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingOverride.recurrence_id",
    )
    invitations: "Mapped[list[Invitation]]" = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Invitation.id"
    )


class MeetingOverride(Base):
    """One occurrence of a series that is cancelled or moved (time and/or place)."""

    __tablename__ = "meeting_override"
    __table_args__ = (UniqueConstraint("meeting_id", "recurrence_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    #: The occurrence's original start as the rule produced it (UTC).
    recurrence_id: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: None keeps the series' value.
    address: Mapped[str | None] = mapped_column(Text)
    room: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    #: The meeting's SEQUENCE when this occurrence was last changed.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    meeting: "Mapped[Meeting]" = relationship(back_populates="overrides")


class Invitation(Base):
    """A person on a meeting's invitation list, and what was last delivered to them."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: The group through which the person was invited; None for an individual guest.
    via_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_group.id", ondelete="SET NULL")
    )
    guest: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The SEQUENCE of the last REQUEST delivered, and the address it went to.
    sent_sequence: Mapped[int | None] = mapped_column(Integer)
    sent_email: Mapped[str] = mapped_column(String(320), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The SEQUENCE of the last CANCEL delivered (removal from the list or cancellation).
    cancel_sent_sequence: Mapped[int | None] = mapped_column(Integer)
    meeting: "Mapped[Meeting]" = relationship(back_populates="invitations")
    person: "Mapped[Person]" = relationship()
    responses: "Mapped[list[Response]]" = relationship(
        back_populates="invitation", cascade="all, delete-orphan", order_by="Response.id"
    )


class Response(Base):
    """A person's answer, for the whole series (``recurrence_id`` None) or one occurrence."""

    __tablename__ = "response"
    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    recurrence_id: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[ResponseStatus] = mapped_column(enum_type(ResponseStatus, "response_status"))
    #: SEQUENCE and DTSTAMP of the reply that set the status: a reply that arrives late
    #: (lower SEQUENCE, or same SEQUENCE and older DTSTAMP) does not overwrite a newer one.
    reply_sequence: Mapped[int | None] = mapped_column(Integer)
    reply_dtstamp: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The COMMENT of the reply ("Ich komme 30 Minuten später"), "" when it had none.
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    invitation: "Mapped[Invitation]" = relationship(back_populates="responses")


class ReplyReview(Base):
    """A reply the coordinator has to look at: a counter-proposal, a comment, a delegation, or
    a reply that could not be booked (with the German reason). Resolved by accepting (a
    proposal moves the date; a delegate is invited as a guest) or dismissing."""

    __tablename__ = "reply_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReviewKind] = mapped_column(enum_type(ReviewKind, "review_kind"))
    #: Identifies the reply (and what was said about it): read again, it adds no second item.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE")
    )
    uid: Mapped[str] = mapped_column(String(500), default="")
    #: The date it speaks of (its original start, UTC); None: the whole meeting or series.
    recurrence_id: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendee_email: Mapped[str] = mapped_column(String(320), default="")
    sender: Mapped[str] = mapped_column(String(320), default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    #: For a counter-proposal: the time proposed.
    proposed_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
    #: For a delegation: whom the invitee sends instead.
    delegate_email: Mapped[str] = mapped_column(String(320), default="")
    delegate_name: Mapped[str] = mapped_column(String(300), default="")
    #: In German: why it is here (for a reply not booked, why not).
    reason: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: In German: what became of it ("angenommen", "verworfen", "als Gast eingeladen").
    resolution: Mapped[str] = mapped_column(String(200), default="")


class Sitting(Versioned, Base):
    """One date of a meeting as it took place: its agenda, attendance, minutes and results.

    A one-off meeting has one sitting; each date of a series has its own, keyed by the date's
    original start (its RECURRENCE-ID), so moving the date keeps its minutes attached.
    """

    __tablename__ = "sitting"
    __table_args__ = (UniqueConstraint("meeting_id", "occurrence"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    occurrence: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes_kind: Mapped[MinutesKind] = mapped_column(
        enum_type(MinutesKind, "minutes_kind"), default=MinutesKind.ERGEBNIS
    )
    minutes_status: Mapped[MinutesStatus] = mapped_column(
        enum_type(MinutesStatus, "minutes_status"), default=MinutesStatus.ENTWURF
    )
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    minute_taker_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting: "Mapped[Meeting]" = relationship()
    items: "Mapped[list[AgendaItem]]" = relationship(
        back_populates="sitting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    attendance: "Mapped[list[Attendance]]" = relationship(
        back_populates="sitting", cascade="all, delete-orphan", order_by="Attendance.id"
    )
    versions: "Mapped[list[MinutesVersion]]" = relationship(
        back_populates="sitting", cascade="all, delete-orphan", order_by="MinutesVersion.number"
    )
    cards: "Mapped[list[WorkshopCard]]" = relationship(
        back_populates="sitting", cascade="all, delete-orphan", order_by="WorkshopCard.position"
    )


class AgendaItem(Base):
    """A TOP of the agenda (or a sub-item, ``parent_id`` set), with the minutes' notes on it."""

    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sitting.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    presenter: Mapped[str] = mapped_column(String(200), default="")
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    standing: Mapped[StandingItem | None] = mapped_column(enum_type(StandingItem, "standing_item"))
    #: Files to hand out with the item: paths or links, one per line.
    attachments: Mapped[str] = mapped_column(Text, default="")
    #: The minutes on this item: discussion or notes.
    notes: Mapped[str] = mapped_column(Text, default="")
    sitting: "Mapped[Sitting]" = relationship(back_populates="items")
    decisions: "Mapped[list[Decision]]" = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Decision.position"
    )


class Attendance(Base):
    """Who was there. Organisation and sector are kept as they were on the day, so counts per
    sector stay right when people change organisation later."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("sitting_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus, "attendance"))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    sector: Mapped[Sector | None] = mapped_column(enum_type(Sector, "attendance_sector"))
    sitting: "Mapped[Sitting]" = relationship(back_populates="attendance")
    person: "Mapped[Person | None]" = relationship()


class Decision(Base):
    """A Beschluss: the exact wording, how it was decided and the result."""

    __tablename__ = "decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    wording: Mapped[str] = mapped_column(Text)
    consensus: Mapped[bool] = mapped_column(Boolean, default=False)
    votes_yes: Mapped[int | None] = mapped_column(Integer)
    votes_no: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[DecisionResult] = mapped_column(enum_type(DecisionResult, "decision_result"))
    item: "Mapped[AgendaItem]" = relationship(back_populates="decisions")


class Task(Base):
    """Who does what by when; open tasks come back at the group's next meetings until done."""

    __tablename__ = "task"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    sitting_id: Mapped[int | None] = mapped_column(
        ForeignKey("sitting.id", ondelete="SET NULL"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    #: The group whose meetings list the task (the organising group of the meeting).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_group.id", ondelete="SET NULL"), index=True
    )
    assignee_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    assignee_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_group.id", ondelete="SET NULL")
    )
    due: Mapped[date | None] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_reported_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("sitting.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MinutesVersion(Base):
    """Approved minutes, frozen: the content as it was approved and its SHA-256 fingerprint.
    A later correction becomes the next version; earlier ones are kept."""

    __tablename__ = "minutes_version"
    __table_args__ = (UniqueConstraint("sitting_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    sitting: "Mapped[Sitting]" = relationship(back_populates="versions")


class WorkshopCard(Base):
    """A card on the workshop wall: an idea or finding, grouped and dot-voted."""

    __tablename__ = "workshop_card"
    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sitting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[CardKind] = mapped_column(enum_type(CardKind, "card_kind"))
    text: Mapped[str] = mapped_column(Text)
    cluster: Mapped[str] = mapped_column(String(200), default="")
    votes: Mapped[int] = mapped_column(Integer, default=0)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    sitting: "Mapped[Sitting]" = relationship(back_populates="cards")


class Survey(Versioned, Base):
    """A questionnaire for one audience, its period and status; anonymous unless said otherwise."""

    __tablename__ = "survey"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    audience: Mapped[SurveyAudience] = mapped_column(enum_type(SurveyAudience, "survey_audience"))
    audience_note: Mapped[str] = mapped_column(String(300), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[SurveyStatus] = mapped_column(
        enum_type(SurveyStatus, "survey_status"), default=SurveyStatus.ENTWURF
    )
    introduction: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    questions: "Mapped[list[SurveyQuestion]]" = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="(SurveyQuestion.position, SurveyQuestion.id)",
    )


class QuestionBankItem(Base):
    """A question shared between surveys, so the answers of two audiences are comparable."""

    __tablename__ = "question_bank_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType, "question_type"))
    # Options one per line; scale bounds and end labels for a rating scale.
    options: Mapped[str] = mapped_column(Text, default="")
    scale_min: Mapped[int | None] = mapped_column(Integer)
    scale_max: Mapped[int | None] = mapped_column(Integer)
    low_label: Mapped[str] = mapped_column(String(200), default="")
    high_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyQuestion(Base):
    """One question in one version (Fassung). A question with answers is never changed in
    meaning: a new version replaces it and the old one is kept, retired, with its answers."""

    __tablename__ = "survey_question"
    __table_args__ = (UniqueConstraint("survey_id", "code", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    section: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType, "question_type"))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    scale_min: Mapped[int | None] = mapped_column(Integer)
    scale_max: Mapped[int | None] = mapped_column(Integer)
    low_label: Mapped[str] = mapped_column(String(200), default="")
    high_label: Mapped[str] = mapped_column(String(200), default="")
    # Results of the survey are broken down by the answers to this question (e.g. the sector).
    breakdown: Mapped[bool] = mapped_column(Boolean, default=False)
    bank_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_bank_item.id", ondelete="SET NULL"), index=True
    )
    # Shown only when the earlier question was answered with this option. The option is
    # not a foreign key: options belong to questions, and a cycle between the two tables
    # would need constraints added after creation, which SQLite cannot do.
    condition_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_question.id", ondelete="SET NULL")
    )
    condition_option_id: Mapped[int | None] = mapped_column(Integer)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_question.id", ondelete="SET NULL")
    )
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    survey: "Mapped[Survey]" = relationship(back_populates="questions")
    options: "Mapped[list[QuestionOption]]" = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="QuestionOption.position",
        foreign_keys="QuestionOption.question_id",
    )


class QuestionOption(Base):
    __tablename__ = "question_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(300))
    question: "Mapped[SurveyQuestion]" = relationship(
        back_populates="options", foreign_keys=[question_id]
    )


class SurveyResponse(Base):
    """One filled-in questionnaire. ``person_id`` and ``contact`` only in a survey that is
    not anonymous; ``external_id`` is the online tool's response id, so a re-import skips it."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[ResponseSource] = mapped_column(enum_type(ResponseSource, "response_source"))
    external_id: Mapped[str | None] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    contact: Mapped[str] = mapped_column(Text, default="")


class SurveyAnswer(Base):
    """One answer: the chosen option (one row per option ticked in a multiple choice),
    a number (scale, number) or text (free text, ISO date)."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        # Counting per option, the statistics of numbers and the breakdown by the response's
        # group read this index alone; "did this response answer that question" reads the
        # second one alone.
        Index("ix_survey_answer_question", "question_id", "option_id", "number", "response_id"),
        Index("ix_survey_answer_response", "response_id", "question_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"))
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_option.id", ondelete="CASCADE")
    )
    number: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)


class SurveySnapshot(Base):
    """Published results, frozen with their date ("Stand …") and a SHA-256 fingerprint."""

    __tablename__ = "survey_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    stand: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))


class ActionField(Versioned, Base):
    """A Handlungsfeld the consortium agreed on, with its goals; optionally a lead group."""

    __tablename__ = "action_field"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_group.id", ondelete="SET NULL"), index=True
    )
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    goals: "Mapped[list[Goal]]" = relationship(
        back_populates="field", cascade="all, delete-orphan", order_by="(Goal.position, Goal.id)"
    )


class Goal(Base):
    __tablename__ = "action_goal"
    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(
        ForeignKey("action_field.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    field: "Mapped[ActionField]" = relationship(back_populates="goals")
    measures: "Mapped[list[Measure]]" = relationship(
        back_populates="goal",
        cascade="all, delete-orphan",
        order_by="(Measure.position, Measure.id)",
    )


class MeasurePartner(Base):
    __tablename__ = "measure_partner"
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Measure(Versioned, Base):
    """A Maßnahme towards a goal: who is responsible, with whom, when, how far."""

    __tablename__ = "measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("action_goal.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_group.id", ondelete="SET NULL"), index=True
    )
    responsible_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[MeasureStatus] = mapped_column(
        enum_type(MeasureStatus, "measure_status"), default=MeasureStatus.GEPLANT
    )
    progress: Mapped[int] = mapped_column(Integer, default=0)
    goal: "Mapped[Goal]" = relationship(back_populates="measures")
    partners: "Mapped[list[MeasurePartner]]" = relationship(cascade="all, delete-orphan")
    indicators: "Mapped[list[Indicator]]" = relationship(
        cascade="all, delete-orphan", order_by="(Indicator.position, Indicator.id)"
    )
    links: "Mapped[list[MeasureLink]]" = relationship(
        cascade="all, delete-orphan", order_by="MeasureLink.id"
    )


class Indicator(Base):
    """A measurable sign of progress: target and actual value (e.g. 40 new volunteers)."""

    __tablename__ = "measure_indicator"
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(50), default="")
    target_value: Mapped[float | None] = mapped_column(Float)
    actual_value: Mapped[float | None] = mapped_column(Float)
    measured_on: Mapped[date | None] = mapped_column(Date)


class MeasureLink(Base):
    """What drives or supports a measure: a decision or task in minutes, or the results of a
    survey question. Exactly one of the three targets is set."""

    __tablename__ = "measure_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("task.id", ondelete="CASCADE"), index=True
    )
    survey_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """One change in the audit trail (see koordination.db.audit)."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    owner_kind: Mapped[str] = mapped_column(String(40), index=True)
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: Other records the change touches, as " person:12 group:3 " (spaces around each).
    refs: Mapped[str] = mapped_column(String(500), default="")
    #: {"field": [old, new]} as JSON; values of erased people are replaced by "[gelöscht]".
    changes: Mapped[str] = mapped_column(Text, default="{}")
    #: The database login that made the change (``session_user`` on PostgreSQL).
    login: Mapped[str] = mapped_column(String(200), default="", server_default="")


class RetentionRule(Base):
    """How long the office keeps one kind of data (set by the office; nothing is deleted
    until the office runs the rules)."""

    __tablename__ = "retention_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), unique=True)
    months: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AppSetting(Base):
    """Settings that belong to the database rather than to one user (e.g. automatic backups)."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ErasureLedger(Base):
    """That a person was erased (Art. 17 DSGVO) and when: no personal data, only the number,
    so that an erasure can be applied again after an older backup was restored."""

    __tablename__ = "erasure_ledger"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_number: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: The proof of lawful past processing without the person: JSON list of the consents'
    #: purpose, catalogue version, channel and dates (no names, no addresses).
    consent_history: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The office confirmed that mentions by salutation and family name ("Frau Weiß") meant the
    #: person: a replay after a restore replaces them again.
    masked_surnames: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Objection(Base):
    """An objection to processing (Art. 21 DSGVO) as received, and how the office decided."""

    __tablename__ = "objection"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Which processing the person objects to (e.g. "Einladungen", "Netzwerkbild").
    scope: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(Text, default="")


class PrivacyRequest(Base):
    """A data subject's request (Art. 15-21 DSGVO) with its one-month deadline (Art. 12 (3))."""

    __tablename__ = "privacy_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PrivacyRequestKind] = mapped_column(
        enum_type(PrivacyRequestKind, "privacy_request_kind")
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    #: The person's number, kept when the person is erased (no name).
    person_number: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    #: Who asked (the person, a representative) and who recorded it (the login).
    requester: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class LoginScope(Base):
    """On a shared PostgreSQL: the groups a database login is limited to (row-level security
    shows it only these groups' people and meetings). A login without rows is not limited."""

    __tablename__ = "login_scope"
    login: Mapped[str] = mapped_column(String(200), primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("network_group.id", ondelete="CASCADE"), primary_key=True
    )


class EngagementOffer(Versioned, Base):
    """A way to take part (Mitwirkungsmöglichkeit) an organisation of the network offers: what
    it is, what is needed, how long it binds, where, whom it suits, whom to ask, and how long it
    stays published. ``confirmed_at`` is when the office last heard it is still current; a
    reminder asks once per confirmation (``reminded_for``) whether it still is."""

    __tablename__ = "engagement_offer"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The calendar's identity of a dated offer (the feed keeps it across publications).
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    #: What is needed: skills, time, things to bring.
    needed: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[OfferKind] = mapped_column(enum_type(OfferKind, "offer_kind"))
    hours: Mapped[float | None] = mapped_column(Float)
    hours_per: Mapped[HoursPeriod | None] = mapped_column(enum_type(HoursPeriod, "hours_period"))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(Text, default="")
    #: The Stadtteil, as the city names its districts (free text: every city has its own).
    district: Mapped[str] = mapped_column(String(200), default="", index=True)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    action_field_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_field.id", ondelete="SET NULL"), index=True
    )
    #: Shown to citizens only while the person consents to sharing their contact data;
    #: otherwise the organisation's address is.
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[OfferStatus] = mapped_column(
        enum_type(OfferStatus, "offer_status"), default=OfferStatus.OFFEN, index=True
    )
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The confirmation (its day) the last reminder asked about: one reminder per period.
    reminded_for: Mapped[date | None] = mapped_column(Date)
    tags: "Mapped[list[EngagementOfferTag]]" = relationship(
        cascade="all, delete-orphan", order_by="EngagementOfferTag.tag"
    )


class EngagementOfferTag(Base):
    """Whom an offer suits ("für Jugendliche", "barrierefrei", or a free tag)."""

    __tablename__ = "engagement_offer_tag"
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("engagement_offer.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class Circular(Base):
    """A circular e-mail (Rundmail) of the office: subject and Markdown text, the audience as
    chosen, how people are addressed, and the pace it goes out at. Who receives it and how far
    sending got is in ``circular_recipient``."""

    __tablename__ = "circular"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    #: The text in Markdown, as written (the plain-text part of every message).
    body: Mapped[str] = mapped_column(Text)
    #: The audience as chosen ("gruppe:AK Stadtteilarbeit", "alle"), one per line.
    audience: Mapped[str] = mapped_column(Text, default="")
    #: "Liebe Monika" instead of "Sehr geehrte Frau Dr. Ulrich".
    informal: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How many messages per minute at most (small office servers refuse floods).
    per_minute: Mapped[int] = mapped_column(Integer, default=30)
    #: People in the audience who receive nothing (no consent, restricted, no address …).
    left_out: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    attachments: "Mapped[list[CircularAttachment]]" = relationship(
        cascade="all, delete-orphan", order_by="CircularAttachment.id"
    )


class CircularAttachment(Base):
    """A file sent with every message of a circular, kept so that a resumed run sends the
    same bytes."""

    __tablename__ = "circular_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(
        ForeignKey("circular.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class CircularRecipient(Base):
    """One person's message of a circular: the address it goes to, its Message-ID (fixed when
    planned, so a message is recognisable across runs) and where it stands."""

    __tablename__ = "circular_recipient"
    __table_args__ = (UniqueConstraint("circular_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(
        ForeignKey("circular.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(320))
    #: The first line of the message ("Sehr geehrte Frau Dr. Ulrich,").
    greeting: Mapped[str] = mapped_column(String(400))
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    state: Mapped[CircularState] = mapped_column(
        enum_type(CircularState, "circular_state"), default=CircularState.GEPLANT, index=True
    )
    #: When the last attempt began, and when the server accepted the message.
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: In German: why it failed, or why its delivery is unclear.
    problem: Mapped[str] = mapped_column(Text, default="")


class Notice(Base):
    """A message koordination sends by itself to one person: approved minutes, a reminder of a
    meeting date or of a task. ``occasion`` says what it is about ("protokoll:12:2" for version
    2 of sitting 12's minutes, "termin:4:2026-12-08T17:00:00+00:00", "aufgabe:9:2026-12-10");
    one row per occasion and person, recorded before and after sending like a circular's
    recipient, so nothing goes out twice."""

    __tablename__ = "notice"
    __table_args__ = (UniqueConstraint("occasion", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    occasion: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    state: Mapped[CircularState] = mapped_column(
        enum_type(CircularState, "notice_state"), default=CircularState.SENDET, index=True
    )
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: In German: why it failed, or why its delivery is unclear.
    problem: Mapped[str] = mapped_column(Text, default="")
