"""Face templates (the face index's entries) and the protected-person registry moderators fill."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from ..engine_registry import get_face_engine, get_face_index
from ..engines.base import FaceEngine
from ..errors import VerificationError, refused
from ..models import Enrollment, FaceIndexVersion, FaceTemplate, ProtectedPerson
from ..permissions import can_moderate
from ..photos import photo_embedding

#: what protected_face_import reads from a folder
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})


@transaction.atomic
def face_template_enroll(
    *,
    kind: str,
    embedding: np.ndarray,
    engine: FaceEngine,
    subject_user=None,
    protected_person: ProtectedPerson | None = None,
    source_enrollment: Enrollment | None = None,
) -> FaceTemplate:
    """Store one embedding as a template of ``engine`` and make it findable in the face index."""
    vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
    if vector.shape[0] != engine.dimensions or not np.all(np.isfinite(vector)):
        raise ValueError("embedding does not fit the engine")  # a programming error: no data in the message
    template = FaceTemplate.objects.create(
        kind=kind,
        subject_user=subject_user,
        protected_person=protected_person,
        source_enrollment=source_enrollment,
        engine_id=engine.engine_id,
        model_hash=engine.model_hash,
        metric=engine.metric,
        dimensions=engine.dimensions,
        embedding=FaceTemplate.pack(vector),
    )
    get_face_index().add(template)
    FaceIndexVersion.bump()
    return template


@transaction.atomic
def face_template_withdraw(*, template: FaceTemplate, delete: bool = False) -> None:
    """Take a template out of the index; ``delete`` also removes the row (consent withdrawn)."""
    get_face_index().remove(template)
    if delete:
        template.delete()
    else:
        FaceTemplate.objects.filter(pk=template.pk).update(is_active=False, updated_at=timezone.now())
        template.is_active = False
    FaceIndexVersion.bump()


@transaction.atomic
def protected_person_add(*, name: str, reason: str, notes: str = "", added_by=None) -> ProtectedPerson:
    """Register a person whose face nobody may list.

    ``added_by`` must be a moderator (None: an operator's management command)."""
    if added_by is not None and not can_moderate(added_by):
        raise refused("not_a_moderator", 403)
    if reason not in ProtectedPerson.Reason.values:
        raise VerificationError("invalid_reason", "Unknown reason.")
    name = name.strip()
    if not name:
        raise VerificationError("invalid_name", "A name is required.")
    return ProtectedPerson.objects.create(name=name[:200], reason=reason, notes=notes, added_by=added_by)


def protected_face_add(*, person: ProtectedPerson, data: bytes, added_by=None) -> FaceTemplate:
    """Add a photo of a protected person as a template. The photo itself is not kept.

    Intake (face detection and embedding, the slow part) runs before the transaction opens.
    """
    if added_by is not None and not can_moderate(added_by):
        raise refused("not_a_moderator", 403)
    engine = get_face_engine()
    _clean, embedding = photo_embedding(data, engine=engine)
    return face_template_enroll(
        kind=FaceTemplate.Kind.PROTECTED, embedding=embedding, engine=engine, protected_person=person
    )


@dataclass
class ImportReport:
    added: list[tuple[str, int]] = field(default_factory=list)  # (file name, protected person id)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, error code)


def protected_face_import(*, folder: Path, reason: str, added_by=None) -> ImportReport:
    """Each photo in ``folder`` becomes a protected person (named after the file) with one template.

    A photo must show exactly one usable face; others are skipped with the intake's error code. Each
    photo is its own transaction, so one bad file never undoes the others.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise VerificationError("not_a_folder", "The path is not a folder.")
    report = ImportReport()
    engine = get_face_engine()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            report.skipped.append((path.name, "not_an_image"))
            continue
        try:
            _clean, embedding = photo_embedding(path.read_bytes(), engine=engine)
        except VerificationError as exc:
            report.skipped.append((path.name, exc.code))
            continue
        with transaction.atomic():
            person = protected_person_add(
                name=_name_from_file(path),
                reason=reason,
                added_by=added_by,
                notes=f"imported from {path.name}",
            )
            face_template_enroll(
                kind=FaceTemplate.Kind.PROTECTED, embedding=embedding, engine=engine, protected_person=person
            )
        report.added.append((path.name, person.pk))
    return report


def _name_from_file(path: Path) -> str:
    """'lin_manuel-miranda2.jpg' -> 'Lin Manuel Miranda'."""
    stem = path.stem.replace("_", " ").replace("-", " ").rstrip("0123456789 ")
    return " ".join(word.capitalize() for word in stem.split()) or path.stem
