"""The committed example report in a real browser: headless Chromium (Debian's `chromium`)
opens the summary and a goal's page at e-mail width and reports what it rendered.

Chromium's own ``--dump-dom`` is the driver: a copy of each page carries a small script
that, once the page has loaded, writes what it measured (images loaded, page width, links)
into the page, and the dumped page is read back. Skipped, with the reason, where Chromium is
not installed; CI installs it (`.ci/run`).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT

EXAMPLE = ROOT / "reports" / "2026-11"
#: An e-mail is read about 700 pixels wide (the charts are drawn 700 pixels wide).
EMAIL_WIDTH_PX = 700
#: Time the page gets to load its images and run the probe, in virtual milliseconds.
_BUDGET_MS = 5000
_BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
_PROBE = """<script>
window.addEventListener("load", () => {
  const images = [...document.images];
  const anchors = [...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href"));
  const probe = document.createElement("pre");
  probe.id = "probe";
  probe.textContent = JSON.stringify({
    images: images.length,
    loaded: images.filter(image => image.complete && image.naturalWidth > 0).length,
    page_width: document.documentElement.scrollWidth,
    links: anchors,
    missing_anchors: anchors.filter(h => h.startsWith("#") && !document.getElementById(h.slice(1))),
  });
  document.body.appendChild(probe);
});
</script>
"""

pytestmark = pytest.mark.skipif(
    _BROWSER is None,
    reason="Chromium is not installed (Debian package 'chromium'): the browser test is "
    "skipped here; CI installs it",
)


def _rendered(page: Path) -> dict:
    """What Chromium rendered of a page: images and how many loaded, page width, links."""
    probe = page.with_name(f"{page.stem}.probe.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"))
    command = [
        _BROWSER,
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        f"--window-size={EMAIL_WIDTH_PX},900",
        f"--virtual-time-budget={_BUDGET_MS}",
        "--dump-dom",
        probe.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, f"no probe in Chromium's page (exit {done.returncode}): {done.stderr[-500:]}"
    return json.loads(html.unescape(found[1]))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """A copy of the example report, so the probes never touch the committed one."""
    copy = tmp_path_factory.mktemp("browser") / "2026-11"
    shutil.copytree(EXAMPLE, copy)
    return copy


def _local_targets(page: Path, links: list[str]) -> list[Path]:
    """The files a page's relative links lead to (web addresses and anchors left out)."""
    local = [link for link in links if not urlsplit(link).scheme and not link.startswith("#")]
    return [(page.parent / urlsplit(link).path).resolve() for link in local]


def test_the_summary_loads_its_chart_links_every_goal_and_fits_an_email(report):
    summary = report / "index.html"
    seen = _rendered(summary)
    assert seen["images"] == 1 and seen["loaded"] == 1  # the overview, embedded
    assert seen["page_width"] <= EMAIL_WIDTH_PX, f"{seen['page_width']} px: it overflows"
    goal_pages = [link for link in seen["links"] if link.startswith("targets/")]
    assert len(goal_pages) == len(list((report / "targets").glob("*.html")))
    missing = [path for path in _local_targets(summary, seen["links"]) if not path.is_file()]
    assert not missing and not seen["missing_anchors"]


def test_a_goal_page_loads_its_chart_links_back_and_fits_an_email(report):
    page = report / "targets" / "kaz-tjk-2bn-2025.html"
    seen = _rendered(page)
    assert seen["images"] == 1 and seen["loaded"] == 1  # its chart, embedded
    assert seen["page_width"] <= EMAIL_WIDTH_PX, f"{seen['page_width']} px: it overflows"
    assert "../index.html" in seen["links"]
    missing = [path for path in _local_targets(page, seen["links"]) if not path.is_file()]
    assert not missing and not seen["missing_anchors"]
