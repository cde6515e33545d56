"""The face index: exact search on any database, pgvector HNSW on PostgreSQL, and they agree.

Synthetic unit vectors stand in for embeddings here (clustered like faces: a few samples around each
identity), so the index logic is tested without the cost of the face models.
"""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from verification.index.exact import ExactFaceIndex
from verification.models import FaceTemplate, ProtectedPerson

pytestmark = pytest.mark.django_db


class FakeEngine:
    """Just what face_template_enroll needs from an engine."""

    def __init__(self, engine_id="test-engine", model_hash="h1", metric="euclidean", dimensions=16):
        self.engine_id, self.model_hash = engine_id, model_hash
        self.metric, self.dimensions = metric, dimensions
        self.threshold = 0.36


def unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def clustered(rng, identities: int, per_identity: int, dims: int):
    centres = rng.standard_normal((identities, dims)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    samples = np.repeat(centres, per_identity, axis=0) + rng.standard_normal(
        (identities * per_identity, dims)
    ).astype(np.float32) * (0.3 / np.sqrt(2 * dims))
    return centres, samples / np.linalg.norm(samples, axis=1, keepdims=True)


def add(user, vector, engine, *, kind="seller", person=None, index=None) -> FaceTemplate:
    from verification.services import face_template_enroll

    template = face_template_enroll(
        kind=kind,
        embedding=vector,
        engine=engine,
        subject_user=user if kind == "seller" else None,
        protected_person=person,
    )
    if index is not None:
        index.add(template)  # a second backend besides the configured one
    return template


@pytest.fixture
def users(make_user):
    return [make_user(f"s{i}", "seller") for i in range(6)]


def test_exact_search_ranks_filters_and_sees_new_templates(users):
    index = ExactFaceIndex()
    engine = FakeEngine()
    rng = np.random.default_rng(1)
    base = unit(rng.standard_normal(16))
    near = unit(base + 0.02 * rng.standard_normal(16))
    far = unit(rng.standard_normal(16))
    t_far = add(users[0], far, engine)
    t_near = add(users[1], near, engine)
    hits = index.search(base, engine_id="test-engine", model_hash="h1", metric="euclidean", k=5)
    assert [h.template_id for h in hits] == [t_near.pk, t_far.pk]
    assert hits[0].score < 0.2 < hits[1].score and hits[0].subject_user_id == users[1].pk

    # the enrolling seller never matches themself
    hits = index.search(
        base, engine_id="test-engine", model_hash="h1", metric="euclidean", k=5, exclude_user_id=users[1].pk
    )
    assert [h.template_id for h in hits] == [t_far.pk]

    # a template added after the matrix was cached is found at the next search; a withdrawn one is not
    from verification.services import face_template_withdraw

    t_exact = add(users[2], base, engine)

    def best() -> int:
        hits = index.search(base, engine_id="test-engine", model_hash="h1", metric="euclidean", k=1)
        return hits[0].template_id

    assert best() == t_exact.pk
    face_template_withdraw(template=t_exact)
    assert best() == t_near.pk


def test_vectors_of_other_engines_or_models_never_match(users, moderator):
    index = ExactFaceIndex()
    vector = unit(np.arange(1, 17))
    add(users[0], vector, FakeEngine(engine_id="other-engine"))
    add(users[1], vector, FakeEngine(model_hash="h2"))
    person = ProtectedPerson.objects.create(name="P", reason="opted_out")
    add(None, vector, FakeEngine(engine_id="other-engine"), kind="protected", person=person)
    assert index.search(vector, engine_id="test-engine", model_hash="h1", metric="euclidean") == []
    assert len(index.search(vector, engine_id="other-engine", model_hash="h1", metric="euclidean")) == 2


def test_cosine_scores_are_similarities_best_first(users):
    index = ExactFaceIndex()
    engine = FakeEngine(metric="cosine", engine_id="cos")
    a, b = unit([1, 0, 0, 0] + [0] * 12), unit([1, 1, 0, 0] + [0] * 12)
    add(users[0], b, engine)
    add(users[1], a, engine)
    hits = index.search(a, engine_id="cos", model_hash="h1", metric="cosine")
    assert [round(h.score, 4) for h in hits] == [1.0, round(1 / np.sqrt(2), 4)]


def test_template_table_never_holds_a_mismatched_embedding(users):
    from verification.services import face_template_enroll

    with pytest.raises(ValueError):
        face_template_enroll(kind="seller", embedding=np.ones(8), engine=FakeEngine(), subject_user=users[0])
    with pytest.raises(ValueError):
        face_template_enroll(
            kind="seller", embedding=np.full(16, np.nan), engine=FakeEngine(), subject_user=users[0]
        )


# -- PostgreSQL: pgvector HNSW --------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(("metric", "dims"), [("euclidean", 128), ("cosine", 512)])
def test_exact_and_pgvector_agree_on_the_same_data(make_user, metric, dims):
    from verification.index.pgvector import PgvectorFaceIndex

    exact, hnsw = ExactFaceIndex(), PgvectorFaceIndex()
    engine = FakeEngine(metric=metric, dimensions=dims, engine_id=f"agree-{dims}")
    rng = np.random.default_rng(dims)
    centres, samples = clustered(rng, identities=60, per_identity=3, dims=dims)
    owners = [make_user(f"p{i}", "seller") for i in range(60)]
    for i, vector in enumerate(samples):
        add(owners[i // 3], vector, engine, index=hnsw)
    queries = [unit(c + 0.3 / np.sqrt(2 * dims) * rng.standard_normal(dims)) for c in centres[:20]]
    search = {"engine_id": engine.engine_id, "model_hash": "h1", "metric": metric, "k": 10}
    for i, query in enumerate(queries):
        a = exact.search(query, **search)
        b = hnsw.search(query, **search)
        assert [h.template_id for h in a[:3]] == [h.template_id for h in b[:3]]
        assert {h.subject_user_id for h in b[:3]} == {owners[i].pk}
        assert len({h.template_id for h in a} & {h.template_id for h in b}) >= 9
        np.testing.assert_allclose([h.score for h in a[:3]], [h.score for h in b[:3]], atol=1e-4)
        excluded = hnsw.search(query, exclude_user_id=owners[i].pk, **search)
        assert owners[i].pk not in {h.subject_user_id for h in excluded}


@pytest.mark.postgres
def test_pgvector_never_crosses_engines_and_uses_the_hnsw_index(users):
    from verification.index.pgvector import PgvectorFaceIndex, vector_literal

    hnsw = PgvectorFaceIndex()
    vector = unit(np.linspace(1, 2, 128))
    add(users[0], vector, FakeEngine(engine_id="engine-a", dimensions=128), index=hnsw)
    other = add(users[1], vector, FakeEngine(engine_id="engine-b", dimensions=128), index=hnsw)
    hits = hnsw.search(vector, engine_id="engine-b", model_hash="h1", metric="euclidean")
    assert [h.template_id for h in hits] == [other.pk]
    hnsw.remove(other)
    assert hnsw.search(vector, engine_id="engine-b", model_hash="h1", metric="euclidean") == []
    assert hnsw.rebuild() == 2  # re-derived from the float32 bytes
    assert len(hnsw.search(vector, engine_id="engine-b", model_hash="h1", metric="euclidean")) == 1

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = hnsw.search_sql(vector, "engine-b", "h1", "euclidean", 5)
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
        # migration 0006: half-precision graph, re-ranked on full precision; the 0003 index is gone
        assert "fm_face_half_hnsw_euclidean_128" in plan
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'fm_face_vec_hnsw_euclidean_128'")
        assert cursor.fetchone() is None
    assert vector_literal(vector) in params


@pytest.mark.postgres
def test_pgvector_indexes_a_new_shape_on_first_use(users):
    from verification.index.pgvector import PgvectorFaceIndex

    hnsw = PgvectorFaceIndex()
    add(users[0], unit(np.ones(16)), FakeEngine(dimensions=16), index=hnsw)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'fm_face_half_hnsw_euclidean_16'")
        assert cursor.fetchone() is not None
    hits = hnsw.search(unit(np.ones(16)), engine_id="test-engine", model_hash="h1", metric="euclidean")
    assert len(hits) == 1


@pytest.mark.postgres
def test_pgvector_storage_options_come_from_settings_and_both_storages_agree(users, settings):
    from verification.engine_registry import get_face_index
    from verification.index.pgvector import PgvectorFaceIndex

    settings.FACE_MARKET = {
        **settings.FACE_MARKET,
        "FACE_INDEX_BACKEND": "verification.index.pgvector.PgvectorFaceIndex",
        "FACE_INDEX_OPTIONS": {"storage": "vector", "ef_search": 64},
    }
    configured = get_face_index()
    assert (configured.storage, configured.ef_search) == ("vector", 64)
    half = PgvectorFaceIndex()
    assert half.storage == "halfvec"
    engine = FakeEngine(metric="cosine", dimensions=512, engine_id="storage-512")
    rng = np.random.default_rng(7)
    vectors = [unit(rng.standard_normal(512)) for _ in range(12)]
    for i, vector in enumerate(vectors):
        add(users[i % len(users)], vector, engine, index=half)
    search = {"engine_id": engine.engine_id, "model_hash": "h1", "metric": "cosine", "k": 5}
    a, b = configured.search(vectors[3], **search), half.search(vectors[3], **search)
    assert [h.template_id for h in a] == [h.template_id for h in b]
    # re-ranked on the full-precision column: the half-precision scan costs no score precision
    np.testing.assert_allclose([h.score for h in a], [h.score for h in b], atol=1e-6)
    assert b[0].score == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="storage"):
        PgvectorFaceIndex(storage="float8")
