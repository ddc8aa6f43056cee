"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Every test here is marked ``browser`` (``pytest -m browser`` runs only them, ``-m "not
browser"`` skips them). Each pytest-xdist worker has its own live server and database
(pytest-django's ``live_server``) and its own browser.

Accessibility: :meth:`Ui.check` injects axe-core (vendored in tests/vendor/axe-core, so no
npm at test time) into the page and fails on any violation of impact *serious* or *critical*.
Tests call it after every navigation and every editor step; a page that loaded and was never
checked fails the test at teardown.

Content-Security-Policy: pages run under the policy the server sends (no ``bypass_csp``), and
every violation the browser reports (a ``securitypolicyviolation`` event, or a console error
about the Content Security Policy, which Chromium also logs for pages without JavaScript) fails
the test: at the next :meth:`Ui.check`, or at teardown.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
PASSWORD = "kith-demo"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: How long a step, or a page load, may take before the test fails (ms). Generous: a busy CI
#: machine, and the first page of a worker imports the drawing and PDF code.
TIMEOUT = 15_000
NAVIGATION_TIMEOUT = 30_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    # The project's rule (see /conftest.py): skip here, fail under KITH_REQUIRE_ALL=1.
    from conftest import require

    require(os.path.exists(CHROMIUM), "Debian chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import expect, sync_playwright

    # expect(…) waits 5 s by default, whatever the page's timeout: too short for a POST that
    # draws a map on a busy two-core CI machine.
    expect.set_options(timeout=TIMEOUT)
    # Playwright's sync API keeps an event loop in this thread; Django's guard against ORM
    # calls from async code would then refuse the tests' own database set-up.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def static_sources(settings: Any) -> None:
    # Serve static files from the sources under their own names (a collected manifest from
    # an earlier `kith serve` would otherwise name hashed files the live server cannot find).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    # The demo users' passwords are hashed on each load; a fast hasher keeps the tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(fast_passwords: None, live_server: Any) -> dict[str, int]:
    """The demo service (people, teams, users ana/sam/ben/lee/dee/admin) in the test database."""
    from kith.demo import _load

    return _load(io.StringIO())


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


class AccessibilityError(AssertionError):
    pass


class ContentSecurityPolicyError(AssertionError):
    pass


# Chromium's wording: "Refused to load/apply/execute …" and, newer, "Applying inline style
# violates the following Content Security Policy directive …".
_CSP_CONSOLE = re.compile(r"Content Security Policy|^Refused to ", re.I)
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => window.__kithCspViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
    + (e.sample ? ` (${e.sample})` : "")));
"""


class Ui:
    """One signed-in (or not) browser tab with the project's checks."""

    def __init__(self, page: Any, base_url: str, checker: Any = None) -> None:
        self.page = page
        self.base = base_url
        # Without JavaScript, axe-core cannot run in the page itself (timers are off): the
        # page's HTML, scripts removed, is checked in ``checker``, a tab with JavaScript.
        self.checker = checker
        self.unchecked: list[str] = []
        self.csp_violations: list[str] = []
        page.on("console", self._console)
        if checker is None:
            page.expose_binding(
                "__kithCspViolation", lambda source, text: self._csp_violation(page.url, text)
            )
            page.add_init_script(_CSP_LISTENER)
        page.set_default_timeout(TIMEOUT)
        page.set_default_navigation_timeout(NAVIGATION_TIMEOUT)
        page.on("load", lambda: self.unchecked.append(page.url))

    # Navigation ---------------------------------------------------------------------------

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def sign_in_as(self, user: Any) -> None:
        """Start signed in (a session made on the server, as the login form would), for
        tests about something else than signing in."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base}]
        )

    def login(self, username: str, password: str = PASSWORD, *, landing: str = r"/$") -> None:
        """Sign in through django-allauth's form (fields ``login`` and ``password``), and
        wait for the page it leads to (the caseload; the MFA step when the user has an app)."""
        self.goto("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(re.compile(landing))
        self.check()

    # Checks -------------------------------------------------------------------------------

    def _console(self, message: Any) -> None:
        if message.type == "error" and _CSP_CONSOLE.search(message.text):
            self._csp_violation(self.page.url, message.text)

    def _csp_violation(self, url: str, text: str) -> None:
        self.csp_violations.append(f"{url}: {text}")

    def check_csp(self) -> None:
        """No Content-Security-Policy violation reported since the last check."""
        found, self.csp_violations = self.csp_violations, []
        if found:
            raise ContentSecurityPolicyError(
                f"{len(found)} Content-Security-Policy violation(s):\n- " + "\n- ".join(found)
            )

    def check(self) -> None:
        """axe-core on the page as it is now: no serious or critical violation; no CSP
        violation."""
        self.page.wait_for_load_state("load")
        page = self.page
        if self.checker is not None:
            html = _SCRIPT.sub("", self.page.content())
            url = self.page.url
            self.checker.route(
                url, lambda route: route.fulfill(body=html, content_type="text/html")
            )
            self.checker.goto(url)
            self.checker.unroute(url)
            page = self.checker
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated rather than added as a <script>, so it runs in pages without
            # JavaScript (java_script_enabled=False) and under any Content-Security-Policy.
            page.evaluate("(source) => { (0, eval)(source); }", _axe_source())
        violations = page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ["violations"]});
                return result.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + ": " + n.failureSummary),
                }));
            }"""
        )
        self.unchecked = [u for u in self.unchecked if u != self.page.url]
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        self.check_csp()
        if bad:
            lines = [f"axe-core found {len(bad)} serious/critical problem(s) on {page.url}:"]
            for v in bad:
                lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
                lines.extend(f"    {n}" for n in v["nodes"])
            raise AccessibilityError("\n".join(lines))

    def screenshot(self, name: str, **options: Any) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), **options)
        return path

    # The map editor -------------------------------------------------------------------------

    def drawing(self, selector: str = "#map-drawing svg") -> dict[str, Any]:
        """Members (by label) and ties (label pairs) as the SVG shows them."""
        return self.page.evaluate(
            """(selector) => {
                const svg = document.querySelector(selector);
                if (!svg) return null;
                const members = {};
                const labels = {};
                for (const g of svg.querySelectorAll("g.kith-member")) {
                    const label = g.querySelector("title").textContent.split(" — ")[0];
                    labels[g.dataset.key] = label;
                    members[label] = {key: g.dataset.key, kind: g.dataset.kind,
                                      circle: g.dataset.circle === "" ? null : Number(g.dataset.circle),
                                      change: g.dataset.change || null,
                                      pressed: g.getAttribute("aria-pressed")};
                }
                const ties = [...svg.querySelectorAll(".kith-ties line")].map(
                    (l) => [labels[l.dataset.a], labels[l.dataset.b]].sort().join(" – "));
                return {members, ties: ties.sort()};
            }""",
            selector,
        )

    def member(self, label: str, selector: str = "#map-drawing svg") -> Any:
        return self.page.locator(f"{selector} g.kith-member").filter(
            has=self.page.locator("title", has_text=re.compile("^" + re.escape(label) + " — "))
        )

    def node(self, label: str, selector: str = "#map-drawing svg") -> Any:
        """The shape of a member (what a person clicks or drags)."""
        return self.member(label, selector).locator(":scope > g").first

    def ring_point(self, circle: int, angle: float) -> tuple[float, float]:
        """A point of the page in the middle of ring ``circle`` at ``angle`` (degrees,
        clockwise from 12 o'clock), to drop a dragged member on."""
        point = self.page.evaluate(
            """([circle, angle]) => {
                const svg = document.querySelector("#map-drawing svg");
                const ego = svg.querySelector(".kith-ego circle");
                const cx = Number(ego.getAttribute("cx")), cy = Number(ego.getAttribute("cy"));
                const radii = [...svg.querySelectorAll(".kith-rings circle")]
                    .filter((c) => !c.hasAttribute("stroke-dasharray"))
                    .map((c) => Number(c.getAttribute("r"))).sort((a, b) => a - b);
                const inner = circle === 1 ? Number(ego.getAttribute("r")) : radii[circle - 2];
                const r = (inner + radii[circle - 1]) / 2;
                const a = angle * Math.PI / 180;
                const p = svg.createSVGPoint();
                p.x = cx + r * Math.sin(a);
                p.y = cy - r * Math.cos(a);
                const s = p.matrixTransform(svg.getScreenCTM());
                return [s.x, s.y];
            }""",
            [circle, angle],
        )
        return point[0], point[1]

    def drag_to_circle(self, label: str, circle: int, angle: float) -> None:
        # The mouse only reaches what is on screen: bring the whole drawing into view.
        self.page.evaluate(
            "document.getElementById('map-drawing').scrollIntoView({block: 'start'})"
        )
        box = self.node(label).bounding_box()
        assert box is not None, label
        mouse = self.page.mouse
        mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        mouse.down()
        x, y = self.ring_point(circle, angle)
        mouse.move(x, y, steps=8)
        mouse.up()

    def tie_list(self) -> list[str]:
        """The links listed under the drawing, as sorted label pairs."""
        return self.page.evaluate(
            """() => {
                const label = {};
                for (const g of document.querySelectorAll("#map-drawing svg g.kith-member"))
                    label[g.dataset.key] = g.querySelector("title").textContent.split(" — ")[0];
                return [...document.querySelectorAll("#ties li")]
                    .map((li) => [label[li.dataset.a], label[li.dataset.b]].sort().join(" – ")).sort();
            }"""
        )

    def status(self) -> str:
        return self.page.locator("#editor-status").inner_text()

    def wait_status(self, text: str) -> None:
        """Wait until the editor's live region says ``text`` (the server answered)."""
        self.page.wait_for_function(
            "(text) => document.getElementById('editor-status').textContent.includes(text)",
            arg=text,
        )

    def editor_ready(self) -> None:
        self.page.locator("#editor-toolbar").wait_for(state="visible")

    def focused(self) -> str:
        """A short description of the focused element (id, or the member's label)."""
        return self.page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return "";
                if (el.matches("g.kith-member")) return "member:" + el.querySelector("title").textContent.split(" — ")[0];
                return el.id || (el.tagName + ":" + (el.textContent || "").trim().slice(0, 40));
            }"""
        )

    def tab_to(self, wanted: str, *, backwards: bool = False, limit: int = 80) -> None:
        """Press Tab (or Shift+Tab) until :meth:`focused` starts with ``wanted``."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            if self.focused().startswith(wanted):
                return
            self.page.keyboard.press(key)
        raise AssertionError(f"{wanted!r} never got focus by {key}; last: {self.focused()!r}")


@pytest.fixture
def ui_factory(browser: Any, live_server: Any, static_sources: None) -> Iterator[Any]:
    """Make :class:`Ui` tabs (each in its own browser context, so separate sign-ins)."""
    contexts: list[Any] = []
    uis: list[Ui] = []

    def make(*, javascript: bool = True) -> Ui:
        context = browser.new_context(
            viewport=VIEWPORT,
            java_script_enabled=javascript,
            reduced_motion="reduce",
            locale="en-GB",
            timezone_id="Europe/London",
        )
        contexts.append(context)
        checker = None
        if not javascript:
            # The checker shows a copy of the page, scripts removed, to run axe-core in.
            checker_context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
            contexts.append(checker_context)
            checker = checker_context.new_page()
        ui = Ui(context.new_page(), live_server.url, checker)
        uis.append(ui)
        return ui

    yield make
    for context in contexts:
        context.close()
    never = [url for ui in uis for url in ui.unchecked]
    assert not never, f"pages loaded but never checked with axe-core: {never}"
    for ui in uis:
        ui.check_csp()


@pytest.fixture
def ui(ui_factory: Any) -> Ui:
    return ui_factory()
