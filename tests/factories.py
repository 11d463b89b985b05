"""Factories for the platform's models; accounts are made through the manager and services, as sign-up would."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from community import services
from community.models import Grossregion, Handlungsfeld, Region, Team, TeamMembership, User
from community.roles import Role

DEFAULT_PASSWORD = "ein-gutes-Passwort-2026"


class UserFactory(DjangoModelFactory):
    """An account with an unverified e-mail address (what sign-up leaves before confirmation)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Kim Beispiel {n}")
    password = DEFAULT_PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args, **kwargs) -> User:
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def email_address(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=False)


class MemberFactory(UserFactory):
    """A member: verified e-mail address, the Mitglied role and a profile."""

    @factory.post_generation
    def email_address(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)
            services.member_role_grant(user=self)
            services.profile_ensure(user=self)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs) -> None:
        """MemberFactory(roles=[Role.EDITOR]) adds the member to the role groups the migration created."""
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[role.value for role in extracted]))


class SuperuserFactory(MemberFactory):
    @classmethod
    def _create(cls, model_class: type[User], *args, **kwargs) -> User:
        return model_class.objects.create_superuser(*args, **kwargs)


class HandlungsfeldFactory(DjangoModelFactory):
    class Meta:
        model = Handlungsfeld

    name = factory.Sequence(lambda n: f"Handlungsfeld {n}")
    slug = factory.Sequence(lambda n: f"handlungsfeld-{n}")
    short_description = "Ein Feld, in dem Regionen gemeinsam handeln."
    order = factory.Sequence(lambda n: n)


class GrossregionFactory(DjangoModelFactory):
    class Meta:
        model = Grossregion

    name = factory.Sequence(lambda n: f"Großregion {n}")
    slug = factory.Sequence(lambda n: f"grossregion-{n}")
    countries = factory.LazyFunction(lambda: ["DE"])


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    grossregion = factory.SubFactory(GrossregionFactory)
    country = "DE"
    status = Region.Status.ACTIVE


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Regionalteam {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    kind = Team.Kind.REGIONALTEAM
    region = factory.SubFactory(RegionFactory)
    grossregion = factory.SelfAttribute("region.grossregion")


class TeamMembershipFactory(DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(MemberFactory)
    role = TeamMembership.Role.MEMBER
