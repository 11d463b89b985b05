"""Members, their profiles, the Handlungsfeld and region taxonomy, and teams."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from .fields import CountryListField

hex_colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as a hex value such as #2f7d4a."))


class Country(models.TextChoices):
    GERMANY = "DE", _("Germany")
    AUSTRIA = "AT", _("Austria")
    SWITZERLAND = "CH", _("Switzerland")
    SOUTH_TYROL = "IT", _("South Tyrol (Italy)")


HANDLE_MAX_LENGTH = 30


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> User:
        # E-mail addresses are unique regardless of case.
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the e-mail address is the login."""

    # unique=True satisfies Django's auth checks; the Lower() constraint below makes it case-insensitive.
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown next to everything you write. Your e-mail address is never shown."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False, help_text=_("May log into the Django admin site."))
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    # The @name in mentions and profile addresses; unique regardless of case, chosen from the display name.
    handle = models.CharField(
        _("handle"),
        max_length=HANDLE_MAX_LENGTH,
        blank=True,
        help_text=_("Used for @mentions and your profile address. Letters, digits, dot, hyphen and underscore."),
    )
    # A silenced member reads but writes nothing visible to others until this moment.
    silenced_until = models.DateTimeField(_("silenced until"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["display_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="community_user_email_ci_unique"),
            models.UniqueConstraint(
                Lower("handle"), condition=~models.Q(handle=""), name="community_user_handle_ci_unique"
            ),
        ]
        permissions = [
            ("moderate_community", _("Can moderate forums and chat")),
            ("administer_platform", _("Can administer the platform")),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).strip()

    def save(self, *args, **kwargs) -> None:
        # Every creation path (allauth sign-up, createsuperuser, the admin, factories) needs a handle,
        # so it is chosen here rather than in one service.
        if not self.handle:
            from .handles import unique_handle

            self.handle = unique_handle(self.display_name or self.email.split("@")[0], exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def is_silenced(self) -> bool:
        return self.silenced_until is not None and self.silenced_until > timezone.now()

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)

    @property
    def initials(self) -> str:
        """Up to two letters for the locally drawn avatar."""
        words = [w for w in str(self).replace(".", " ").replace("_", " ").split() if w]
        letters = "".join(w[0] for w in words[:2]) or "?"
        return letters.upper()


class Handlungsfeld(index.Indexed, models.Model):
    """A field of action (energy, mobility, food, ...) that classifies content across apps."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    short_description = models.CharField(_("short description"), max_length=255, blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#2f7d4a", validators=[hex_colour_validator])
    icon = models.CharField(
        _("icon name"),
        max_length=40,
        blank=True,
        help_text=_("Name of an icon from the design system, e.g. 'leaf' or 'bolt'."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("short_description"),
        FieldRowPanel([FieldPanel("colour"), FieldPanel("icon"), FieldPanel("order")]),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["order", "name"]
        indexes = [models.Index(fields=["order", "name"], name="community_hf_order_idx")]

    def __str__(self) -> str:
        return self.name


class Grossregion(models.Model):
    """A larger area (e.g. Süddeutschland, Tirol & Südtirol) grouping regions and Weggemeinschaften."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    countries = CountryListField(_("countries"), choices=Country.choices)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("countries")]

    class Meta:
        verbose_name = _("Großregion")
        verbose_name_plural = _("Großregionen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_countries_display(self) -> str:
        labels = dict(Country.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.countries)


class Region(index.Indexed, models.Model):
    """The canonical record of a Mitmach-Region that profiles, teams, actions and pages point to."""

    class Status(models.TextChoices):
        INTERESTED = "interested", _("Interested")
        FOUNDING = "founding", _("Being founded")
        CONFERENCE_PLANNED = "conference_planned", _("Conference planned")
        ACTIVE = "active", pgettext_lazy("region status", "Active")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    grossregion = models.ForeignKey(
        Grossregion,
        verbose_name=_("Großregion"),
        on_delete=models.PROTECT,
        related_name="regions",
        null=True,
        blank=True,
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INTERESTED)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("grossregion"), FieldPanel("country"), FieldPanel("status")]),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])],
            heading=_("Location"),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("country"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"], name="community_region_status_idx"),
            models.Index(fields=["country", "name"], name="community_region_country_idx"),
            models.Index(fields=["name"], name="community_region_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(index.Indexed, ClusterableModel):
    """A group of members: a Weggemeinschaft, a Regionalteam or an Arbeitsgruppe."""

    class Kind(models.TextChoices):
        WEGGEMEINSCHAFT = "weggemeinschaft", _("Weggemeinschaft")
        REGIONALTEAM = "regionalteam", _("Regionalteam")
        ARBEITSGRUPPE = "arbeitsgruppe", _("Arbeitsgruppe")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        related_name="teams",
        null=True,
        blank=True,
    )
    grossregion = models.ForeignKey(
        Grossregion,
        verbose_name=_("Großregion"),
        on_delete=models.SET_NULL,
        related_name="teams",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("region"), FieldPanel("grossregion")]),
        InlinePanel("memberships", heading=_("Members"), label=_("Membership")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("kind")]

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="community_team_kind_idx")]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", pgettext_lazy("team role", "Member")
        BEGLEITUNG = "begleitung", _("Begleitung")

    team = ParentalKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    panels = [FieldPanel("user"), FieldPanel("role")]

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="community_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class Profile(models.Model):
    """What a member tells the community about themselves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="profile",
        primary_key=True,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        related_name="profiles",
        null=True,
        blank=True,
    )
    handlungsfelder = models.ManyToManyField(
        Handlungsfeld,
        verbose_name=_("Handlungsfelder of interest"),
        related_name="profiles",
        blank=True,
    )
    bio = models.TextField(
        _("short bio"),
        max_length=600,
        blank=True,
        help_text=_("A few sentences about you and your region. Markdown is allowed."),
    )
    bio_html = models.TextField(_("short bio (rendered)"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)
