"""Face-index backends: "whose face is this?" over verified sellers and protected persons.

Chosen by dotted path in FACE_MARKET['FACE_INDEX_BACKEND']; get one with
``verification.engine_registry.get_face_index()``.
"""
