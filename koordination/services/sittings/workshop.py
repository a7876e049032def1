"""Workshop cards: written, clustered, dotted with votes and turned into tasks."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from koordination.domain.inputs.sittings import CardInput, TaskInput
from koordination.domain.models import WorkshopCard
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.sittings.decisions_tasks import DecisionsAndTasks


class Workshop(DecisionsAndTasks):
    """Use cases on workshop cards (a card becomes a task). Every public method is one
    transaction."""

    def add_card(self, sitting_id: int, data: CardInput) -> int:
        """A workshop card; returns its number."""
        if not data.text.strip():
            raise ValidationError([FieldError("Karte", "Bitte einen Text eintragen.")])
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            card = WorkshopCard(
                text=data.text.strip(),
                kind=data.kind,
                cluster=data.cluster.strip(),
                position=len(sitting.cards),
            )
            sitting.cards.append(card)
            session.flush()
            return card.id

    def _card(self, session: Session, card_id: int) -> WorkshopCard:
        card = session.get(WorkshopCard, card_id)
        if card is None:
            raise NotFoundError(f"Karte Nr. {card_id} wurde nicht gefunden.")
        self._editable(session, card.sitting_id)
        return card

    def group_card(self, card_id: int, cluster: str) -> None:
        with self.db.session() as session:
            self._card(session, card_id).cluster = cluster.strip()

    def vote(self, card_id: int, dots: int = 1) -> None:
        with self.db.session() as session:
            card = self._card(session, card_id)
            card.votes = max(0, card.votes + dots)

    def card_to_task(
        self,
        card_id: int,
        *,
        person_id: int | None = None,
        group_id: int | None = None,
        due: date | None = None,
    ) -> int:
        with self.db.session() as session:
            card = self._card(session, card_id)
            sitting_id, text = card.sitting_id, card.text
        task_id = self.add_task(sitting_id, TaskInput(text, person_id, group_id, due))
        with self.db.session() as session:
            self._card(session, card_id).task_id = task_id
        return task_id
