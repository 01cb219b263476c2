"""No page is wider than the screen, whatever the data: at a desktop's and at a phone's width.

The demo workspace is loaded, then made as awkward as people make it: a 300-character title
with no space to break at, a key result and a KPI in the trillions, and 80 more people.
Every page is opened at 1440 px and at 390 px and must not scroll sideways.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from headway.accounts import actions
from headway.accounts.models import Membership, User, Workspace
from headway.core.timeutil import today_in
from headway.events.models import DomainEvent
from headway.kpis.models import KPI, KPIValue
from headway.notifications.models import Notification
from headway.okrs.models import CheckIn, Cycle, Initiative, KeyResult, Objective
from headway.teams.models import Team
from tests.e2e.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo")]

LONG = "Grow" + "W" * 296  # 300 characters, nowhere to wrap
HUGE = Decimal("1000000000000")  # 1e12
WIDTHS = (1440, 390)


def make_it_awkward() -> dict[str, str]:
    """Stretch the demo data; answer the keys of the stretched objects."""
    workspace = Workspace.objects.get(key="northwind")
    cycle = Cycle.objects.get(workspace=workspace, state="active")
    objective = Objective.objects.filter(cycle=cycle, visibility="workspace").first()
    assert objective is not None
    objective.title = LONG
    objective.description = LONG
    objective.save()
    kr = KeyResult.objects.filter(objective=objective, metric="number").first() or (
        KeyResult.objects.filter(objective=objective).first()
    )
    assert kr is not None
    kr.title, kr.metric, kr.start, kr.target = LONG, "number", Decimal(0), HUGE
    kr.save()
    day = today_in(workspace.timezone)
    CheckIn.objects.update_or_create(
        key_result=kr,
        at=day,
        defaults={
            "value": float(HUGE / 2),
            "confidence": 5,
            "note": LONG,
            "author": objective.owner,
        },
    )
    Initiative.objects.filter(objective=objective).update(title=LONG)
    kpi = KPI.objects.filter(workspace=workspace).first()
    assert kpi is not None
    kpi.name, kpi.target = LONG, HUGE
    kpi.save()
    KPIValue.objects.update_or_create(
        kpi=kpi, at=day, defaults={"value": float(HUGE * 3), "recorded_at": timezone.now()}
    )
    team = Team.objects.filter(workspace=workspace, kind="team").first()
    assert team is not None
    team.name = LONG
    team.save()
    olivia = Membership.objects.get(workspace=workspace, user__username="olivia")
    actions.create_token(olivia, actor=olivia, name=LONG[:100], via="test")
    event = DomainEvent.objects.create(
        workspace=workspace, kind="key_result.milestone", at=timezone.now(),
        subject_type="key_result", subject_id=kr.pk, subject_key=kr.key, title=LONG,
        objective=objective, data={"milestone": 50}, fanned_out=True,
    )  # fmt: skip
    Notification.objects.create(
        workspace=workspace, recipient=olivia.user, event=event, reason="follower",
        created=event.at, email_error=LONG[:500], email_attempts=4,
    )  # fmt: skip
    for n in range(80):  # 80 people with long names
        user = User.objects.create(username=f"person{n:02d}", first_name=LONG[:150])
        Membership.objects.create(user=user, workspace=workspace, role="member")
    return {"objective": objective.key, "kr": kr.key, "kpi": kpi.key, "team": team.key}


def pages(keys: dict[str, str]) -> list[str]:
    cycle = Cycle.objects.get(workspace__key="northwind", state="active")
    initiative = Initiative.objects.filter(objective__key=keys["objective"]).first()
    paths = [
        "/",
        "/okrs/",
        f"/okrs/tree/{keys['objective']}/",  # the tree with the branch down to it open
        "/okrs/?q=grow",  # filter results, flat
        "/okrs/check-in/",
        "/okrs/review/",
        "/okrs/review/?page=2",  # past the end: the last page of teams
        f"/okrs/review/?team={keys['team']}",  # one team's section found by its key
        f"/okrs/objectives/{keys['objective']}/",
        f"/okrs/objectives/{keys['objective']}/edit/",
        "/okrs/objectives/new/",
        f"/okrs/key-results/{keys['kr']}/edit/",
        f"/okrs/cycles/{cycle.key}/edit/",
        "/kpis/",
        f"/kpis/{keys['kpi']}/",
        f"/kpis/{keys['kpi']}/edit/",
        "/teams/",
        f"/teams/?open={keys['team']}",
        "/teams/?q=a",
        f"/teams/{keys['team']}/",
        f"/teams/{keys['team']}/edit/",
        "/settings/",
        "/settings/?page=2",
        "/settings/?q=person",
        "/settings/tokens/",
        "/invitations/",
        "/notifications/",
        "/notifications/preferences/",
    ]
    if initiative is not None:
        paths.append(f"/okrs/initiatives/{initiative.key}/edit/")
    return paths


def sign_in_at(browser: Any, live_server: Any, username: str, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def too_wide(page: Any) -> str:
    """Empty when the page fits the window; else by how much and where."""
    return str(
        page.evaluate(
            """() => {
              const extra = document.documentElement.scrollWidth - window.innerWidth;
              if (extra <= 0) return "";
              // The outermost element that sticks out and is not clipped by an ancestor.
              const clipped = (el) => {
                for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                  if (getComputedStyle(a).overflowX !== "visible") return true;
                }
                return false;
              };
              const e = [...document.querySelectorAll("body *")].find(
                (e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e));
              const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                + (el.className && typeof el.className === "string" ? "." + el.className : "");
              return `${extra} px (${e ? name(e.parentElement) + " > " + name(e) : "?"})`;
            }"""
        )
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(browser, live_server, width):
    keys = make_it_awkward()
    page = sign_in_at(browser, live_server, "olivia", width)
    overflowing = {}
    for path in pages(keys):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        extra = too_wide(page)
        if extra:
            overflowing[path] = extra
    page.context.close()
    assert overflowing == {}, f"wider than {width} px by: {overflowing}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_viewers_pages_fit_too(browser, live_server, width):
    make_it_awkward()
    page = sign_in_at(browser, live_server, "vera", width)
    overflowing = {}
    for path in ("/", "/okrs/", "/kpis/", "/teams/", "/okrs/review/", "/settings/tokens/",
                 "/notifications/", "/notifications/preferences/"):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        extra = too_wide(page)
        if extra:
            overflowing[path] = extra
    page.context.close()
    assert overflowing == {}, f"wider than {width} px by: {overflowing}"


def test_opening_a_branch_of_the_tree_shows_its_children_in_place(browser, live_server):
    page = sign_in_at(browser, live_server, "olivia", 390)
    page.goto(f"{live_server.url}/okrs/")
    toggle = page.locator("a.branch-open").first
    node = toggle.locator("xpath=ancestor::li[1]")
    node_id = node.get_attribute("id")
    assert node_id is not None
    assert page.locator(f"li#{node_id} ul.tree > li").count() == 0
    toggle.click()
    expect(page.locator(f"li#{node_id} > details[open] ul.tree > li").first).to_be_visible()
    assert page.url == f"{live_server.url}/okrs/"  # swapped in place, not a new page
    assert too_wide(page) == ""
    page.context.close()


def test_the_phone_navigation_shows_every_item(browser, live_server):
    page = sign_in_at(browser, live_server, "olivia", 390)
    for link in page.locator("header nav a").all():
        box = link.bounding_box()
        assert box is not None, link.inner_text()
        assert box["x"] >= 0, link.inner_text()
        assert box["x"] + box["width"] <= 390, link.inner_text()
    page.context.close()


def test_a_check_in_cards_title_sits_inside_the_card_on_a_phone(browser, live_server):
    page = sign_in_at(browser, live_server, "liam", 390)
    page.goto(f"{live_server.url}/okrs/check-in/")
    rows = page.locator("fieldset.checkin-row")
    assert rows.count() > 0
    for n in range(rows.count()):
        card, title = rows.nth(n).bounding_box(), rows.nth(n).locator("legend").bounding_box()
        assert card is not None
        assert title is not None
        assert title["y"] >= card["y"] + 1, "the title straddles the card's top border"
    page.context.close()


def test_the_members_table_reads_on_a_phone(browser, live_server):
    page = sign_in_at(browser, live_server, "olivia", 390)
    page.goto(f"{live_server.url}/settings/")
    olivia = page.locator("tr", has_text="olivia@northwind.example")
    expect(olivia.locator("td").first).to_have_text("Olivia Chen")
    name = olivia.locator("td").first.bounding_box()
    assert name is not None
    assert name["height"] < 40, "the name is broken over several lines, a few letters wide"
    expect(olivia.get_by_role("button", name="Remove Olivia Chen")).to_be_visible()
    page.context.close()


def test_the_cycle_review_names_each_figure_on_a_phone(browser, live_server):
    page = sign_in_at(browser, live_server, "olivia", 390)
    page.goto(f"{live_server.url}/okrs/review/")
    cell = page.locator("table.review tbody tr").first.locator("td").nth(1)
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Progress"'  # the header row is hidden on a phone: each figure says what it is
    page.context.close()


def test_a_branch_of_the_team_tree_opens_in_place(browser, live_server):
    page = sign_in_at(browser, live_server, "olivia", 1440)
    page.goto(f"{live_server.url}/teams/")
    # the company, its departments, and under a department once it is open, its teams
    teams = page.locator("ul.team-tree ul.team-tree ul.team-tree > li")
    expect(teams).to_have_count(0)
    page.locator("a.team-open").first.click()
    expect(teams.first).to_be_visible()
    assert page.url == f"{live_server.url}/teams/"  # opened in place, no page load
    page.context.close()


def test_kpi_cards_take_the_phones_width(browser, live_server):
    page = sign_in_at(browser, live_server, "liam", 390)
    page.goto(f"{live_server.url}/kpis/")
    filters = page.locator("form.filters").bounding_box()
    card = page.locator("li.kpi-card").first.bounding_box()
    assert filters is not None
    assert card is not None
    assert card["width"] >= filters["width"] - 2, "a narrow card leaves a third of the screen empty"
    page.context.close()
