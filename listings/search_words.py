"""Chinese word segmentation for the catalogue search (jieba), on any database.

PostgreSQL's ``simple`` text-search config splits on spaces and punctuation only, so a Chinese title
is one long token and ``演员`` never matches ``群众演员``. Runs of CJK characters are cut into words
with ``jieba.cut_for_search`` (which also yields the shorter words inside a long one) and joined
with spaces, in the search document and in the query alike; other text passes through unchanged.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not ours to print
    return jieba


def cjk_segment(text: str) -> str:
    """``我是群众演员`` -> ``我 是 群众 演员 群众演员``; text without CJK is returned as it is."""
    if not text or not CJK_RUN.search(text):
        return text

    def cut(match: re.Match) -> str:
        words = [w for w in _jieba().cut_for_search(match.group(0)) if w.strip()]
        return " " + " ".join(words) + " "

    return CJK_RUN.sub(cut, text)
