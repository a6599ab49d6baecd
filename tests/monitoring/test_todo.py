"""“Việc cần làm”: each person's next steps, with the period, the deadline and overdue first;
only one's own; a fixed number of queries whatever the data."""

from datetime import date

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.monitoring import items as item_services
from congtam.monitoring import reviews, todo
from congtam.monitoring.models import Review
from tests.monitoring.conftest import EARLY

pytestmark = pytest.mark.django_db

LEVELS = {"chinh_tri_dao_duc": 4, "van_hoa_ky_luat": 4, "trach_nhiem_phuc_vu": 3, "doi_moi_sang_tao": 4}


# --- helpers shared with the dashboard and reminder tests ------------------------------------
def assign(year, key="an", items=(("BC", 10), ("GY", 25))):
    """The manager assigns catalogue items of November to ``key`` (an or binh); returns them."""
    manager = year.user(Role.MANAGER)
    return [
        item_services.item_assign(
            actor=manager, review=year.review(key), catalogue_code=code, due_on=date(2026, 11, day)
        )
        for code, day in items
    ]


def acknowledge(year, key="an"):
    person = year.world.people[key]
    user = person.account
    review = year.review(key)
    return item_services.plan_acknowledge(actor=user, review=review, expected_version=review.version)


def report(year, item, completed_on, key="an"):
    item.refresh_from_db()
    return item_services.item_report(
        actor=year.world.people[key].account, item=item, expected_version=item.version, completed_on=completed_on
    )


def check(year, item, result="passed", comment=""):
    item.refresh_from_db()
    return item_services.item_check(
        actor=year.user(Role.MANAGER), item=item, expected_version=item.version, result=result, comment=comment
    )


def self_rate(year, key="an"):
    return reviews.rating_save(
        actor=year.world.people[key].account, review=year.review(key), role="self", levels=LEVELS, submit=True
    )


def manager_rate_and_submit(year, key="an"):
    manager = year.user(Role.MANAGER)
    reviews.rating_save(actor=manager, review=year.review(key), role="manager", levels=LEVELS, submit=True)
    return reviews.review_submit(
        actor=manager, review=year.review(key), expected_version=year.review(key).version, early_reason=EARLY
    )


def binh_user(year):
    from tests.factories import make_user

    return make_user("binh", role=Role.STAFF, person=year.world.people["binh"])


def november(tasks, year):
    label = year.november.label
    return [task for task in tasks if task.period_label == label]


def kinds(tasks):
    return [task.kind for task in tasks]


# --- the person ------------------------------------------------------------------------------
def test_a_planned_month_asks_the_person_to_acknowledge_the_plan_by_the_assignment_deadline(year, today):
    assert todo.todo_for(year.user(Role.STAFF), today) == []  # nothing assigned: nothing to do yet
    assign(year)
    tasks = todo.todo_for(year.user(Role.STAFF), today)
    assert kinds(tasks) == [todo.ACKNOWLEDGE_PLAN]
    task = tasks[0]
    review = year.review("an")
    assert (task.due_on, task.overdue) == (date(2026, 11, 6), True)  # the 6th has passed (today is the 20th)
    assert task.review_id == review.pk and task.period_label == year.november.label
    assert task.url == reverse("monitoring:review", kwargs={"pk": review.pk})
    assert task.person_name == "Nguyễn Văn An"


def test_after_acknowledging_each_item_is_to_report_by_its_due_date_overdue_first(year, today):
    report_item, opinion = assign(year, items=(("BC", 25), ("GY", 12)))
    acknowledge(year)
    tasks = todo.todo_for(year.user(Role.STAFF), today)
    assert [(task.kind, task.due_on, task.overdue) for task in tasks] == [
        (todo.REPORT_ITEM, date(2026, 11, 12), True),  # overdue first
        (todo.REPORT_ITEM, date(2026, 11, 25), False),
        (todo.SELF_RATE, date(2026, 12, 5), False),
    ]
    assert "Văn bản góp ý" in tasks[0].what and "Báo cáo thẩm tra" in tasks[1].what
    assert tasks[0].key == f"{todo.REPORT_ITEM}:{opinion.pk}"
    report(year, opinion, date(2026, 11, 13))
    assert kinds(todo.todo_for(year.user(Role.STAFF), today)) == [todo.REPORT_ITEM, todo.SELF_RATE]
    self_rate(year)
    remaining = todo.todo_for(year.user(Role.STAFF), today)
    assert [(task.kind, task.key) for task in remaining] == [(todo.REPORT_ITEM, f"{todo.REPORT_ITEM}:{report_item.pk}")]


def test_a_changed_plan_is_to_acknowledge_again(year, today):
    assign(year)
    acknowledge(year)
    assign(year, items=(("TT", 27),))
    tasks = todo.todo_for(year.user(Role.STAFF), today)
    assert todo.ACKNOWLEDGE_CHANGED_PLAN in kinds(tasks)
    acknowledge(year)
    assert todo.ACKNOWLEDGE_CHANGED_PLAN not in kinds(todo.todo_for(year.user(Role.STAFF), today))


def test_an_observation_is_to_answer_until_answered(year, today):
    assign(year)
    acknowledge(year)
    observation = reviews.observation_write(
        actor=year.user(Role.MANAGER),
        review=year.review("an"),
        observed_on=date(2026, 11, 16),
        text="Chủ động đề xuất phương án xử lý hồ sơ",
    )
    tasks = [task for task in todo.todo_for(year.user(Role.STAFF), today) if task.kind == todo.ANSWER_OBSERVATION]
    assert len(tasks) == 1 and "16/11/2026" in tasks[0].what and tasks[0].due_on == date(2026, 12, 5)
    reviews.observation_answer(actor=year.user(Role.STAFF), observation=observation, answer="Xin cảm ơn")
    assert todo.ANSWER_OBSERVATION not in kinds(todo.todo_for(year.user(Role.STAFF), today))


# --- the evaluator and the approver ----------------------------------------------------------
def test_the_manager_assigns_answers_proposals_checks_and_rates(year, today):
    manager, staff = year.user(Role.MANAGER), year.user(Role.STAFF)
    mine = november(todo.todo_for(manager, today), year)
    assert sorted((task.kind, task.person_name) for task in mine) == [
        (todo.ASSIGN_WORK, "Nguyễn Văn An"),
        (todo.ASSIGN_WORK, "Đặng Thị Bình"),
    ]
    (item,) = assign(year, items=(("BC", 18),))
    proposal = item_services.item_propose(
        actor=staff, review=year.review("an"), catalogue_code="TT", due_on=date(2026, 11, 26)
    )
    mine = [task for task in november(todo.todo_for(manager, today), year) if task.person_name == "Nguyễn Văn An"]
    assert [(task.kind, task.key, task.due_on) for task in mine] == [
        (todo.ANSWER_PROPOSAL, f"{todo.ANSWER_PROPOSAL}:{proposal.pk}", date(2026, 11, 6))
    ]
    assert "Tờ trình" in mine[0].what
    assert todo.ACKNOWLEDGE_PLAN not in kinds(todo.todo_for(staff, today))  # waits for the manager's answer
    item_services.item_accept(actor=manager, item=proposal, expected_version=proposal.version)
    acknowledge(year)
    report(year, item, date(2026, 11, 17))
    mine = [task for task in november(todo.todo_for(manager, today), year) if task.person_name == "Nguyễn Văn An"]
    assert [(task.kind, task.key, task.due_on) for task in mine] == [
        (todo.CHECK_ITEM, f"{todo.CHECK_ITEM}:{item.pk}", date(2026, 12, 8))
    ]
    check(year, item)
    self_rate(year)
    mine = [task for task in november(todo.todo_for(manager, today), year) if task.person_name == "Nguyễn Văn An"]
    assert [(task.kind, task.due_on, task.overdue) for task in mine] == [(todo.RATE, date(2026, 12, 8), False)]


def test_the_manager_rates_once_the_self_rating_deadline_has_passed(year, today):
    assign(year)
    acknowledge(year)
    manager = year.user(Role.MANAGER)
    before = [task for task in november(todo.todo_for(manager, date(2026, 12, 5)), year) if task.kind == todo.RATE]
    after = [task for task in november(todo.todo_for(manager, date(2026, 12, 6)), year) if task.kind == todo.RATE]
    assert before == [] and [task.person_name for task in after] == ["Nguyễn Văn An"]
    # the person's own self-rating is still on their list, now overdue
    (late,) = [task for task in todo.todo_for(year.user(Role.STAFF), date(2026, 12, 6)) if task.kind == todo.SELF_RATE]
    assert late.overdue


def test_the_approver_approves_then_nobody_has_anything_left_for_that_month(year, today):
    items = assign(year, items=(("GY", 12),))
    acknowledge(year)
    report(year, items[0], date(2026, 11, 12))
    check(year, items[0])
    self_rate(year)
    manager_rate_and_submit(year)
    head = year.user(Role.UNIT_HEAD)
    approvals = [task for task in todo.todo_for(head, today) if task.kind == todo.APPROVE]
    assert [(task.person_name, task.due_on, task.overdue) for task in approvals] == [
        ("Nguyễn Văn An", date(2026, 12, 10), False)
    ]
    assert "Nguyễn Văn An" in approvals[0].what
    review = year.review("an")
    reviews.review_approve(actor=head, review=review, expected_version=review.version)
    assert not [task for task in todo.todo_for(head, today) if task.kind == todo.APPROVE]
    assert todo.todo_for(year.user(Role.STAFF), today) == []
    assert not [
        task
        for task in november(todo.todo_for(year.user(Role.MANAGER), today), year)
        if task.person_name == "Nguyễn Văn An"
    ]


def test_a_returned_review_is_to_rate_again(year, today):
    items = assign(year, items=(("GY", 12),))
    acknowledge(year)
    report(year, items[0], date(2026, 11, 12))
    check(year, items[0])
    self_rate(year)
    review = manager_rate_and_submit(year)
    reviews.review_return(
        actor=year.user(Role.UNIT_HEAD),
        review=review,
        expected_version=review.version,
        comment="Xem lại mức đánh giá tiêu chí 3",
    )
    mine = [
        task
        for task in november(todo.todo_for(year.user(Role.MANAGER), today), year)
        if task.person_name == "Nguyễn Văn An"
    ]
    assert kinds(mine) == [todo.RATE_AGAIN]


# --- only one's own ----------------------------------------------------------------------------
def test_nobody_sees_anothers_tasks(year, today):
    assign(year)
    assign(year, "binh")
    binh = binh_user(year)
    an_tasks = todo.todo_for(year.user(Role.STAFF), today)
    binh_tasks = todo.todo_for(binh, today)
    assert {task.person_name for task in an_tasks} == {"Nguyễn Văn An"}
    assert {task.person_name for task in binh_tasks} == {"Đặng Thị Bình"}
    everyone = {task.actor_person_id for task in todo.tasks_for_everyone(today)}
    for role in (Role.HR, Role.INSPECTOR, Role.LEADERSHIP, Role.ADMIN):
        user = year.user(role)
        assert all(task.actor_person_id == user.person_id for task in todo.todo_for(user, today))
    assert year.user(Role.HR).person_id not in everyone
    assert todo.todo_for(year.user(Role.ADMIN), today) == []


def test_future_periods_ask_nothing_yet(year, today):
    manager = year.user(Role.MANAGER)
    december = year.cycle.periods.get(number=12).label
    assert not [task for task in todo.todo_for(manager, today) if task.period_label == december]
    labels = {task.period_label for task in todo.todo_for(manager, today)}
    assert len(labels) == 11  # January to November: nothing assigned yet, overdue


# --- the page ------------------------------------------------------------------------------------
def test_the_page_lists_the_tasks_with_links_and_marks_the_overdue(year, today, client):
    assign(year, items=(("BC", 25), ("GY", 12)))
    acknowledge(year)
    client.force_login(year.user(Role.STAFF))
    response = client.get(reverse("monitoring:todo"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('data-testid="task"') == 3
    assert content.count('data-testid="overdue"') == 1
    assert reverse("monitoring:review", kwargs={"pk": year.review("an").pk}) in content
    assert "12/11/2026" in content and "05/12/2026" in content
    assert content.index("Văn bản góp ý") < content.index("Báo cáo thẩm tra")  # overdue first


def test_the_page_of_a_login_without_a_staff_record_says_so(year, today, client):
    client.force_login(year.user(Role.ADMIN))
    response = client.get(reverse("monitoring:todo"))
    assert response.status_code == 200 and 'data-testid="no-person"' in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, year):
    response = client.get(reverse("monitoring:todo"))
    assert response.status_code == 302 and "/login/" in response.url


# --- queries -----------------------------------------------------------------------------------
def _busy_month(year, key):
    """A month with every kind of task: reported, overdue, proposed items and an observation."""
    items = assign(year, key, items=(("BC", 10), ("GY", 12), ("TT", 25), ("BC", 27)))
    acknowledge(year, key)
    report(year, items[0], date(2026, 11, 9), key)
    report(year, items[1], date(2026, 11, 15), key)
    item_services.item_propose(
        actor=year.world.people[key].account, review=year.review(key), catalogue_code="GY", due_on=date(2026, 11, 28)
    )
    reviews.observation_write(
        actor=year.user(Role.MANAGER),
        review=year.review(key),
        observed_on=date(2026, 11, 18),
        text="Hoàn thành hồ sơ trước hạn, có sáng kiến",
    )


def test_the_number_of_queries_does_not_grow_with_the_data(year, today, count_queries):
    manager, staff = year.user(Role.MANAGER), year.user(Role.STAFF)
    assign(year, items=(("BC", 10),))
    acknowledge(year)
    with count_queries() as few_manager:
        few_manager_tasks = todo.todo_for(manager, today)
    with count_queries() as few_staff:
        todo.todo_for(staff, today)
    binh_user(year)
    _busy_month(year, "binh")
    assign(year, items=(("GY", 12), ("TT", 25)))
    reviews.observation_write(
        actor=manager,
        review=year.review("an"),
        observed_on=date(2026, 11, 18),
        text="Hoàn thành hồ sơ trước hạn, có sáng kiến",
    )
    with count_queries() as many_manager:
        many_manager_tasks = todo.todo_for(manager, today)
    with count_queries() as many_staff:
        many_staff_tasks = todo.todo_for(staff, today)
    assert len(many_manager_tasks) > len(few_manager_tasks) and len(many_staff_tasks) > 2
    assert len(few_manager) == len(many_manager) == 3, many_manager.report()
    assert len(few_staff) == len(many_staff) == 3, many_staff.report()


def test_the_page_has_a_fixed_number_of_queries(year, today, client, count_queries):
    client.force_login(year.user(Role.MANAGER))
    client.get(reverse("monitoring:todo"))
    with count_queries() as few:
        client.get(reverse("monitoring:todo"))
    binh_user(year)
    _busy_month(year, "binh")
    _busy_month(year, "an")
    with count_queries() as many:
        response = client.get(reverse("monitoring:todo"))
    assert response.content.decode().count('data-testid="task"') > 20
    assert len(few) == len(many), many.report()


def test_reviews_without_an_evaluator_give_nobody_a_task(year, today):
    Review.objects.filter(period=year.november, person=year.world.people["an"]).update(evaluator=None)
    assert not [
        task
        for task in november(todo.todo_for(year.user(Role.MANAGER), today), year)
        if task.person_name == "Nguyễn Văn An"
    ]


def test_ones_list_is_exactly_ones_share_of_everyones_tasks(year, today):
    """The page's narrower reads give the same tasks as the reminders' reading of everything."""
    binh_user(year)
    _busy_month(year, "binh")
    _busy_month(year, "an")
    everyone = list(todo.tasks_for_everyone(today))
    for user in year.world.users.values():
        mine = sorted(
            (task for task in everyone if task.actor_person_id == user.person_id), key=lambda task: task.sort_key
        )
        assert todo.todo_for(user, today) == (mine if user.person_id else []), user.username
    assert {task.kind for task in everyone} >= {
        todo.REPORT_ITEM,
        todo.CHECK_ITEM,
        todo.ANSWER_PROPOSAL,
        todo.ANSWER_OBSERVATION,
        todo.ASSIGN_WORK,
        todo.SELF_RATE,
    }
