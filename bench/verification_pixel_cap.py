"""Memory of the verification intake on the issue's bomb: a 6300 x 6300 one-colour PNG (about 100 KB).

Each case runs in a fresh Python process and reports the growth of its maximum resident set size over
one ``image_intake`` call: with the old 40 MP cap the bomb passes the header check and is decoded; with
the 16 MP cap it is refused from the header. Six parallel uploads cost six times the first figure.

    .venv/bin/python bench/verification_pixel_cap.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASE = """
import resource, sys
sys.path.insert(0, {root!r})
from tests.verification.test_intake_pixel_cap import bomb_png
from verification.intake import IntakeError, IntakeLimits, image_intake

class NoFace:
    def detect(self, rgb):
        return []

data = bomb_png()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    image_intake(data, engine=NoFace(), limits=IntakeLimits(max_pixels={cap}))
    outcome = "decoded"
except IntakeError as exc:
    outcome = exc.code
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{{len(data)}} {{outcome}} {{(after - before) / 1024:.1f}}")
"""


def main() -> None:
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"}
    print("6300 x 6300 one-colour PNG through verification's image_intake, a fresh process per case:")
    for cap in (40_000_000, 16_000_000):
        code = "import django; django.setup()\n" + CASE.format(root=str(ROOT), cap=cap)
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
        size, outcome, growth = out[-3:]
        print(f"  cap {cap / 1e6:.0f} MP: file {int(size) / 1e3:.0f} KB, {outcome}, peak RSS +{growth} MiB")


if __name__ == "__main__":
    main()
