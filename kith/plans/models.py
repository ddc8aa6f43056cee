"""The Connecting People cycle: interests, goals, actions, follow-ups, cycles and fidelity.

* :class:`Interest`: what matters to the person, in their words (GENIE-style preference
  statements), mapped to interest taxonomy term ids (HSDS string ids) to find assets.
* :class:`Goal`: agreed together, in the person's own words; owner, CHIME tags, target date.
* :class:`Action`: a step toward a goal, optionally a new connection (``asset_id``, an HSDS
  service id) or about someone already on the map (``member_key``: reconnect, see more, see less).
* :class:`FollowUp`: did it happen, alone or with whom, barriers, what next.
* :class:`Cycle`: one dated assess → plan → support → review round.
* :class:`FidelityAssessment`: a worker's self-assessment of Connecting People practice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse

from kith.accounts.fields import EncryptedCharField, EncryptedTextField
from kith.accounts.models import Authored, Team
from kith.people.models import Person


class Interest(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interests")
    text = EncryptedCharField(
        "what matters to the person",
        max_length=300,
        help_text="In the person's own words, for example “I would like to get out into nature”.",
    )
    term_ids = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("person", "position", "id")

    def __str__(self) -> str:
        return self.text


class Owner(models.TextChoices):
    PERSON = "person", "The person"
    WORKER = "worker", "The worker"
    BOTH = "both", "Both together"


CHIME = (
    ("connectedness", "Connectedness"),
    ("hope", "Hope and optimism"),
    ("identity", "Identity"),
    ("meaning", "Meaning in life"),
    ("empowerment", "Empowerment"),
)


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Working on it"
    ACHIEVED = "achieved", "Achieved"
    CHANGED = "changed", "Changed or replaced"
    STOPPED = "stopped", "Stopped"


class Goal(Authored):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="goals")
    cycle = models.ForeignKey(
        "Cycle", on_delete=models.SET_NULL, null=True, blank=True, related_name="goals"
    )
    wording = EncryptedTextField(
        "the goal, in the person's own words",
        max_length=1000,
        help_text="Write it as the person says it.",
    )
    owner = models.CharField("whose goal to act on", max_length=10, choices=Owner.choices)
    chime = models.JSONField("CHIME domains", default=list, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)

    class Meta:
        ordering = ("person", "created_at", "id")
        indexes = (models.Index(fields=["person", "status"]),)

    def __str__(self) -> str:
        return self.wording

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.person_id]) + f"#goal-{self.pk}"

    def chime_labels(self) -> list[str]:
        names = dict(CHIME)
        return [names.get(c, c) for c in self.chime]


class ActionKind(models.TextChoices):
    NEW = "new", "A new connection"
    RECONNECT = "reconnect", "Reconnect with someone on the map"
    MORE = "more", "See more of someone on the map"
    LESS = "less", "See less of someone on the map"
    OTHER = "other", "Another step"


#: Kinds of action that are about an existing map member.
MEMBER_KINDS = frozenset({ActionKind.RECONNECT, ActionKind.MORE, ActionKind.LESS})


class ActionStatus(models.TextChoices):
    OPEN = "open", "Planned"
    DONE = "done", "Happened"
    DROPPED = "dropped", "Dropped"


class Action(Authored):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedCharField("the step", max_length=300)
    kind = models.CharField(max_length=10, choices=ActionKind.choices, default=ActionKind.OTHER)
    asset_id = models.CharField(
        "community asset",
        max_length=200,
        blank=True,
        help_text="The directory's service id, for a new connection.",
    )
    asset_name = models.CharField(max_length=200, blank=True)
    member_key = models.CharField("map member", max_length=60, blank=True)
    member_label = EncryptedCharField(max_length=120, blank=True)
    due_date = models.DateField("when it should happen", null=True, blank=True)
    follow_up_by = models.DateField("follow up by", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )

    class Meta:
        ordering = ("goal", "due_date", "id")
        indexes = (models.Index(fields=["status", "follow_up_by"]),)

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    def check_by(self) -> dt.date | None:
        """When the worker should have followed this up: ``follow_up_by``, else the due date."""
        return self.follow_up_by or self.due_date

    def overdue(self, today: dt.date) -> bool:
        check = self.check_by()
        return self.is_open and check is not None and check < today


class Happened(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Company(models.TextChoices):
    ALONE = "alone", "Alone"
    WORKER = "worker", "With the worker"
    PEER = "peer", "With a peer supporter"
    FRIEND = "friend", "With a friend or family member"


BARRIERS = (
    ("anxiety", "Anxiety"),
    ("transport", "Transport"),
    ("cost", "Cost"),
    ("motivation", "Motivation"),
    ("health", "Health"),
    ("access", "Access needs"),
    ("unwelcome", "Didn't feel welcome"),
    ("other", "Other"),
)


class Next(models.TextChoices):
    KEEP = "keep", "Keep going"
    RETRY = "retry", "Try again"
    REPLAN = "replan", "Change the plan"
    STOP = "stop", "Stop this step"
    DONE = "done", "Nothing more: it is done"


class FollowUp(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField("date of the follow-up")
    happened = models.CharField("did it happen?", max_length=10, choices=Happened.choices)
    company = models.CharField(
        "went alone or with someone", max_length=10, choices=Company.choices, blank=True
    )
    barriers = models.JSONField(default=list, blank=True)
    barrier_other = EncryptedCharField("other barrier", max_length=200, blank=True)
    next_step = models.CharField("what next", max_length=10, choices=Next.choices)
    notes = EncryptedTextField(blank=True, max_length=2000)
    next_follow_up = models.DateField("follow up again by", null=True, blank=True)
    #: When the action was due to be followed up at the time of this follow-up (on time or not).
    was_due = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("action", "date", "id")

    def __str__(self) -> str:
        return f"follow-up of {self.date:%d %B %Y}"

    def barrier_labels(self) -> list[str]:
        names = dict(BARRIERS)
        out = [names.get(b, b) for b in self.barriers if b != "other"]
        if "other" in self.barriers:
            out.append(f"Other: {self.barrier_other}" if self.barrier_other else "Other")
        return out

    def on_time(self) -> bool:
        return self.was_due is None or self.date <= self.was_due


class Stage(models.TextChoices):
    ASSESS = "assess", "Assess"
    PLAN = "plan", "Plan"
    SUPPORT = "support", "Support"
    REVIEW = "review", "Review"
    CLOSED = "closed", "Reviewed"


STAGE_ORDER = (Stage.ASSESS, Stage.PLAN, Stage.SUPPORT, Stage.REVIEW, Stage.CLOSED)


class Cycle(models.Model):
    """One round of assess → plan → support → review, each stage dated."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField()
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.ASSESS)
    assess_on = models.DateField()
    plan_on = models.DateField(null=True, blank=True)
    support_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    review_map = models.ForeignKey(
        "maps.Map", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    questionnaires_due = models.JSONField(default=list, blank=True)
    review_note = EncryptedTextField(blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ("person", "number")
        constraints = (
            models.UniqueConstraint(fields=["person", "number"], name="cycle_number_unique"),
        )

    def __str__(self) -> str:
        return f"cycle {self.number}"

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED

    def stages(self) -> list[dict[str, object]]:
        dates = {
            Stage.ASSESS: self.assess_on,
            Stage.PLAN: self.plan_on,
            Stage.SUPPORT: self.support_on,
            Stage.REVIEW: self.review_on,
            Stage.CLOSED: self.closed_on,
        }
        current = STAGE_ORDER.index(Stage(self.stage))
        return [
            {
                "id": s.value,
                "label": s.label,
                "date": dates[s],
                "current": i == current and self.is_open,
                "done": i < current or not self.is_open,
            }
            for i, s in enumerate(STAGE_ORDER)
        ]


class FidelityAssessment(models.Model):
    """A worker's self-assessment of Connecting People practice (items in fidelity.json)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="fidelity_assessments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fidelity_assessments"
    )
    date = models.DateField()
    answers = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    overall = models.FloatField(null=True, blank=True)
    note = EncryptedTextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("team", "date", "id")

    def __str__(self) -> str:
        return f"fidelity self-assessment of {self.date:%d %B %Y}"
