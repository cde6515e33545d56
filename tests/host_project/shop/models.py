"""The host's own models: an e-mail user (no username) and its own Listing and Order, which must not
clash with the plugin's (the plugin's app labels are fm_*)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    objects = UserManager()


class Listing(models.Model):
    title = models.CharField(max_length=100)
    price_fen = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.title


class Order(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT)
    buyer = models.ForeignKey(User, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"order {self.pk}"
