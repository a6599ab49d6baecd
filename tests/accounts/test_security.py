import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from congtam.accounts.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _run_congtam(*args, extra_env=None, tmp_path):
    # A production-like environment: none of the test run's settings (the browser tests lift
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly flags).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CONGTAM_")
        and key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    }
    env.update({"CONGTAM_DATA_DIR": str(tmp_path), **(extra_env or {})})
    return subprocess.run(
        [sys.executable, "-m", "congtam", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_product_settings_hash_passwords_with_argon2(tmp_path):
    result = _run_congtam(
        "shell", "-c", "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])", tmp_path=tmp_path
    )
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher", result.stderr


def test_check_deploy_is_clean_when_configured_for_production(tmp_path):
    result = _run_congtam(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        extra_env={"CONGTAM_HTTPS": "1", "CONGTAM_ALLOWED_HOSTS": "congtam.example.vn"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_is_off_unless_asked(tmp_path):
    result = _run_congtam("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", tmp_path=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "False"
    # The generated keys are kept in the data folder, private to the server's account.
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "audit_key").exists()


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_and_out(world):
    client = Client()
    response = _login(client, "an", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("org:unit_tree")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("org:unit_tree")).status_code == 302


def test_wrong_password_shows_a_vietnamese_message(world):
    response = _login(Client(), "an", "sai-mat-khau")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_a_huge_username_is_a_failed_sign_in_not_a_server_error(world, path):
    # The attempt is recorded with the username cut to its column (a 500 on PostgreSQL before).
    from axes.models import AccessAttempt

    response = Client().post(path, {"username": "x" * 200_000, "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 255


def test_repeated_failures_lock_the_account(world, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "an", "sai-mat-khau")
    response = _login(client, "an", PASSWORD)
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    assert client.get(reverse("org:unit_tree")).status_code == 302


def test_sessions_expire_when_idle(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_forms_require_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.HR])
    response = client.post(
        reverse("org:authority_override", kwargs={"staff_code": "NV040"}),
        {"kind": "evaluator", "authority_code": "NV002", "effective_from": "01/01/2026", "reason": "x"},
    )
    assert response.status_code == 403
    assert not world.people["anh"].authority_overrides.exists()


def test_interface_is_vietnamese_by_default_and_the_language_switch_is_remembered(world):
    client = Client()
    client.force_login(world.users[Role.STAFF])
    assert "Đơn vị" in client.get(reverse("org:unit_tree")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("org:unit_tree")})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    assert int(client.cookies["django_language"]["max-age"]) >= 30 * 24 * 3600
    page = client.get(reverse("org:unit_tree")).content.decode()
    assert "The units of Văn phòng Quốc hội" in page
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Các đơn vị" in client.get(reverse("org:unit_tree")).content.decode()


def test_an_english_browser_still_gets_vietnamese_until_the_person_switches(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in" in client.get(reverse("login")).content.decode()


def test_login_page_is_reachable_signed_out():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
