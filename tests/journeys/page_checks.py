"""What every journey page must pass: no internal code in the visible text, no serious axe violation.

axe-core comes from the npm registry (tests/browser_assets/package.json; .ci/services.sh installs
it) and is added to the page from that local file: nothing is fetched from a CDN.
"""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path

from django.db import models

AXE_JS = Path(__file__).resolve().parents[1] / "browser_assets" / "node_modules" / "axe-core" / "axe.min.js"

#: codes that are also ordinary words ("free", "paid", "open") cannot be told from prose; every code
#: with an underscore or a dot can, and so can Python's own spellings of values
EXTRA_RAW = ["False", "True", "None", "{'", "'}", "payment.failed", "payment.canceled", "no_template"]


def usage_check_codes() -> set[str]:
    """The codes the usage-report checks store: scope findings (read from the checks' own source)
    and the per-still verdicts, also as the ``still_<code>`` findings they become."""
    import marketplace.usage.evidence_checks
    from marketplace.words import STILL_CHECK_LABELS

    source = inspect.getsource(marketplace.usage.evidence_checks)
    codes = set(re.findall(r'verdict\.add\(\s*"([a-z_]+)"', source)) | {"no_stills"}
    codes |= set(STILL_CHECK_LABELS) | {f"still_{code}" for code in STILL_CHECK_LABELS}
    return codes


def internal_codes() -> list[str]:
    """Every stored code a page could leak: the values of each TextChoices in our apps."""
    import listings.state
    import listings.vocabulary
    import marketplace.moderation.state
    import marketplace.purchases.state
    import marketplace.usage.state
    import payouts.state
    import verification.state
    from marketplace.moderation.services import REPORT_REASONS
    from verification.reasons import REASONS

    codes = set(REPORT_REASONS) | set(REASONS) | usage_check_codes()
    for module in (
        listings.vocabulary,
        listings.state,
        marketplace.purchases.state,
        marketplace.moderation.state,
        marketplace.usage.state,
        payouts.state,
        verification.state,
    ):
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, models.TextChoices) and value is not models.TextChoices:
                codes.update(str(code) for code in value.values)
    return sorted(code for code in codes if "_" in code or "." in code) + EXTRA_RAW


def raw_codes_in(text: str, codes: list[str]) -> list[str]:
    found = []
    for code in codes:
        pattern = re.escape(code) if not code[0].isalnum() else rf"(?<![\w-]){re.escape(code)}(?![\w-])"
        if re.search(pattern, text):
            found.append(code)
    return found


def axe_serious(page) -> list[str]:
    if not AXE_JS.exists():  # pragma: no cover - the CI services script installs it
        raise AssertionError(f"axe-core is missing: run npm install in {AXE_JS.parents[2]}")
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "));
        }"""
    )


def _around(text: str, code: str) -> str:
    at = text.find(code)
    return repr(text[max(0, at - 80) : at + 80])


def check_page(page, codes: list[str], seen: list[str]) -> None:
    """Assert the page reads in words and passes axe; remember it for the journey's summary."""
    page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    leaked = raw_codes_in(text, codes)
    assert not leaked, f"{page.url} shows internal codes {leaked}: {_around(text, leaked[0])}"
    violations = axe_serious(page)
    assert not violations, f"{page.url} has accessibility violations {violations}"
    seen.append(page.url)
    shots = os.environ.get("JOURNEY_SHOTS")  # a folder: keep a full-page screenshot of each page to look at
    if shots:
        lang = page.evaluate("document.documentElement.lang")
        name = re.sub(r"[^\w]+", "_", page.url.split("//", 1)[-1].split("/", 1)[-1]).strip("_") or "home"
        page.screenshot(path=str(Path(shots) / f"{lang}-{len(seen):02d}-{name}.png"), full_page=True)
