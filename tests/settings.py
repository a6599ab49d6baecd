"""Settings for the test suite: the product's settings, with a throw-away data folder, fixed keys
and a fast password hasher (Argon2 is checked by its own test against the product's settings)."""

import os
import tempfile

os.environ.setdefault("CONGTAM_DATA_DIR", tempfile.mkdtemp(prefix="congtam-test-"))
os.environ.setdefault("CONGTAM_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("CONGTAM_AUDIT_KEY", "test-audit-key")

from congtam.settings import *  # the product's settings, then the overrides below

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: threads (the concurrency tests, the browser tests' live server) then
    # open their own connections, as real requests do.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["CONGTAM_DATA_DIR"], "test.sqlite3")}

os.makedirs(STATIC_ROOT, exist_ok=True)
WHITENOISE_USE_FINDERS = True

# The test databases come and go; a checkpoint file shared by the whole run would outlive them.
# The witness tests (tests/audit/test_witness.py) give each test its own file.
CONGTAM_AUDIT_CHECKPOINT_FILE = None
# Django's flush (after every transactional test) may empty the guarded audit tables: see
# congtam.audit.guards. Never in the product's settings.
CONGTAM_AUDIT_FLUSH_LIFTS_GUARDS = True
