"""Relais settings: one module, read from the environment.

DJANGO_ENV selects the defaults: "development" (the embedded default, SQLite in var/), "test" (set by the
test suite) or "production" (every secret and host must come from the environment).
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise environ.ImproperlyConfigured(f"DJANGO_ENV inconnu : {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"


def _development_secret_key() -> str:
    """A key generated once per checkout into var/, so that no key is ever committed."""
    from django.core.management.utils import get_random_secret_key

    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
elif TESTING:
    SECRET_KEY = env.str("SECRET_KEY", default="test-only-secret-key-not-for-any-real-use-0123456789")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    # Before dsfr: its form template is replaced by core's (the form's own errors are in the error summary).
    # Before django_tasks_db: its db_worker command is replaced by core's, which survives database outages.
    "relais.core",
    "dsfr",
    "django.forms",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "relais.accounts",
    "relais.territories",
    "relais.companies",
    "relais.notifications",
    "relais.organizations",
    "relais.conseillers_entreprises",
    "relais.francenum",
    "relais.legal",
    "relais.assistance",
    "relais.privacy",
    # Before oauth2_provider: its templates (consent page) override the toolkit's.
    "relais.sso",
    "oauth2_provider",
    # django-ninja serves the API documentation (Swagger UI) from its static files, never from a CDN.
    "ninja",
    "relais.api",
    "relais.conseiller_numerique",
]

MIDDLEWARE = [
    # First: the request id and the duration cover everything below, error pages included.
    "relais.core.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL and Unicode non-characters in the URL or a machine endpoint's body: a French 400 (forms answer on the field).
    "relais.core.text.InputHygieneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "relais.core.middleware.MaintenanceModeMiddleware",
    # Before the terms: a half-finished sign-up or a missing second factor comes first.
    "relais.accounts.middleware.AccountSetupMiddleware",
    "relais.legal.middleware.TermsAcceptanceMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relais.core.context_processors.site",
                "relais.conseillers_entreprises.permissions.support_context",
                "relais.api.permissions.partner_context",
            ],
        },
    },
]
if TESTING:
    from relais.core.testing import StrictUndefinedVariable

    TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = StrictUndefinedVariable("%s")
if not DEBUG:
    # Compiled templates stay in memory: the biggest single gain on page rendering time.
    TEMPLATES[0]["APP_DIRS"] = False
    TEMPLATES[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            ["django.template.loaders.app_directories.Loader"],
        )
    ]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Databases. SQLite in var/ is the embedded default; PostgreSQL via DATABASE_URL.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'relais.sqlite3'}")}
_db = DATABASES["default"]
if "sqlite" in _db["ENGINE"]:
    # WAL and IMMEDIATE transactions let the web server, the worker and the scheduler share the file
    # without "database is locked" errors. A page cache of 32 MB per connection instead of 2 MB: a write that changes
    # a few thousand pages (a Conseiller numérique structure's pairs) keeps them in memory until its commit instead
    # of writing them out twice. The journal is copied back into the database (a checkpoint, two waits for the disk)
    # every 10,000 pages (40 MB) instead of every 1,000: the same pages written, a tenth of the waits.
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                " PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=10000;"
            ),
        }
    )
    if _db["NAME"] != ":memory:" and not TESTING:
        VAR_DIR.mkdir(exist_ok=True)
else:
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    _db["CONN_HEALTH_CHECKS"] = True
    # An unreachable server fails the request in seconds (503 page) instead of holding a web worker.
    _db.setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
# A few hot queries are prepared once per PostgreSQL connection (relais/core/prepared.py); off behind a pooler that
# shares server sessions between clients (PgBouncer in transaction mode), where they run as plain queries.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://relais")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis, required in production (rate limits counted once across processes): a Redis outage degrades the
    # limits to per-process counting instead of failing requests (relais/core/cache.py).
    CACHES["default"]["BACKEND"] = "relais.core.cache.FallbackRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": env.float("CACHE_TIMEOUT_SECONDS", default=0.5),
            "socket_timeout": env.float("CACHE_TIMEOUT_SECONDS", default=0.5),
        }
    )

# Identity
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
# Counts failed logins per account and per IP address (relais/accounts/throttling.py).
AUTHENTICATION_BACKENDS = ["relais.accounts.backends.ThrottledModelBackend"]
# Behind a reverse proxy, the request header that carries the visitor's address (e.g. HTTP_X_REAL_IP or
# HTTP_X_FORWARDED_FOR): without it every visitor would share the proxy's address in the login throttling.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
OTP_TOTP_ISSUER = "Relais"
PASSWORD_HASHERS = [
    # Argon2id with OWASP's parameters (relais/accounts/hashers.py); Django's own reads the older hashes.
    "relais.accounts.hashers.RelaisArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is made to be slow; the tests check the policy, not the hash cost.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "relais.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # A superset of Django's CommonPasswordValidator list: common and breached passwords (relais/accounts/data/).
    {"NAME": "relais.accounts.validators.BreachedPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60

# Internationalisation
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles" if PRODUCTION else VAR_DIR / "static")))
if not PRODUCTION:
    # Whitenoise serves straight from the apps' folders outside production; it only needs the folder to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files (proofs, logos, CVs, attachments): never under static, never served by URL, only through the view
# of their app that checks who may read them (relais/core/uploads.py). FILE_STORAGE=s3 keeps them in an
# S3-compatible bucket (pip install -c constraints.txt '.[s3]'; AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL,
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY read by django-storages).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
_file_storage = env.str("FILE_STORAGE", default="filesystem")
if _file_storage == "s3":
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"default_acl": "private"}}
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
else:
    # Django's, minus the partial file a full disk would leave behind.
    _default_storage = {"BACKEND": "relais.core.uploads.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Whitenoise's manifest renames files, which breaks django-dsfr's integrity hashes: browsers would then
# refuse the CSS. The files are served by us, from our own origin, so the hashes add nothing.
DSFR_USE_INTEGRITY_CHECKSUMS = False
# The DSFR now marks optional fields rather than required ones; django-dsfr will switch to it.
DSFR_MARK_OPTIONAL_FIELDS = True

# Emails: console in development unless EMAIL_URL says otherwise, SMTP in production.
_email_default = "memorymail://" if TESTING else ("smtp://localhost:25" if PRODUCTION else "consolemail://")
_email = env.email_url("EMAIL_URL", default=_email_default)
if _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # django-environ drops the leading "/" of filemail:///absolute/path: the folder is read from the URL itself
    # (filemail:///tmp/courriels is absolute, filemail://var/courriels relative to the project).
    _parts = urlsplit(env.str("EMAIL_URL"))
    _email["EMAIL_FILE_PATH"] = str(BASE_DIR / (_parts.netloc + _parts.path)) if _parts.netloc else _parts.path
vars().update(_email)
# Every email, Django's own included (password reset, admin errors), goes through the outbox
# (relais.notifications); the outbox's worker delivers it with EMAIL_DELIVERY_BACKEND, the one EMAIL_URL chose.
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND  # noqa: F821 - set by the email URL above
EMAIL_BACKEND = "relais.notifications.backends.OutboxBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Relais <ne-pas-repondre@relais.beta.gouv.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@relais.beta.gouv.fr")
# An email whose sending started this long ago without a result is taken up again (its worker died mid-send).
EMAIL_CLAIM_TIMEOUT = env.int("EMAIL_CLAIM_TIMEOUT", default=600)
# Privacy: the data protection officer's queue (rights requests) and the security team (incident reports).
DPO_EMAIL = env.str("DPO_EMAIL", default="dpo@relais.beta.gouv.fr")
SECURITY_EMAIL = env.str("SECURITY_EMAIL", default="securite@relais.beta.gouv.fr")

# Background tasks: immediate in tests, the database queue otherwise (worker: manage.py db_worker).
TASK_BACKEND = env.str("TASK_BACKEND", default="immediate" if TESTING else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASK_BACKEND]
    }
}

# Maintenance (seed 000 art. 7): the environment switch wins over the one in the admin.
MAINTENANCE_MODE = env.bool("MAINTENANCE_MODE", default=False)

# Terms of use: how long a process trusts its copy of the current versions (0 in tests, whose transactions
# roll back versions that a cache would otherwise keep alive for the next tests).
LEGAL_TERMS_CACHE_SECONDS = 0 if TESTING else 60

# Single sign-on: Relais is the OpenID Connect provider of the catalogue's services (authorisation code + PKCE).
if PRODUCTION:
    from relais.sso.keys import from_environment

    OIDC_RSA_PRIVATE_KEY = from_environment(env.str("OIDC_RSA_PRIVATE_KEY"))
elif TESTING:
    from relais.sso.keys import generate_private_key_pem

    OIDC_RSA_PRIVATE_KEY = generate_private_key_pem()
else:
    from relais.sso.keys import development_private_key, from_environment

    _oidc_key = env.str("OIDC_RSA_PRIVATE_KEY", default="")
    OIDC_RSA_PRIVATE_KEY = from_environment(_oidc_key) if _oidc_key else development_private_key(VAR_DIR / "oidc.key")
# Staff must not read a person's TOTP secret (it would let them clone the second factor).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The toolkit's own model, named so that the sso app's foreign keys to it can be migrated.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    # A fixed issuer: the ID tokens must not depend on the host or scheme a request came through.
    "OIDC_ISS_ENDPOINT": f"{SITE_URL}/oidc",
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
    "OAUTH2_VALIDATOR_CLASS": "relais.sso.validators.RelaisOAuth2Validator",
    "SCOPES": {
        "openid": "votre identifiant de connexion unique",
        "profile": "vos nom et prénom",
        "email": "votre adresse électronique",
        "organizations": "vos organisations, vos habilitations et vos rôles de responsable des accès",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 60 * 24 * 30,
    # OAuth 2.0 Security BCP (RFC 9700), the toolkit's defaults from 4.0 on: no implicit or password grant, no
    # "plain" PKCE, no token in query strings, `iss` in the authorisation response, hashed tokens at rest,
    # a replayed refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RP-initiated logout: only to the post-logout addresses each client registered; no confirmation page when the
    # service names the session with a valid id_token_hint.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
}
# Back-channel logout tokens: "http" posts them to the services; "offline" only logs them (tests, demos).
SSO_BACKCHANNEL_LOGOUT_BACKEND = env.str("SSO_BACKCHANNEL_LOGOUT_BACKEND", default="offline" if TESTING else "http")

# Company registry: "offline" answers from the local tables, "api" calls the public API Recherche d'entreprises.
COMPANIES_BACKEND = env.str("COMPANIES_BACKEND", default="offline")
RECHERCHE_ENTREPRISES_URL = env.str("RECHERCHE_ENTREPRISES_URL", default="https://recherche-entreprises.api.gouv.fr")
CE_INTAKE_RATE_LIMIT = env.str("CE_INTAKE_RATE_LIMIT", default="5/600")

# Public API: keys are stored as HMAC digests keyed with this secret (its own, so that rotating SECRET_KEY does not
# void every partner's keys; changing it does). Calls without a key (open data) are limited per IP ("requests/
# seconds"); quotas are counted in the cache, which must be Redis in production. Webhooks to private addresses
# are refused in production (SSRF).
if PRODUCTION:
    API_KEY_HMAC_SECRET = env.str("API_KEY_HMAC_SECRET")
else:
    API_KEY_HMAC_SECRET = env.str("API_KEY_HMAC_SECRET", default="api-keys-" + SECRET_KEY)
API_ANONYMOUS_RATE_LIMIT = env.str("API_ANONYMOUS_RATE_LIMIT", default="120/300")
API_WEBHOOK_ALLOW_PRIVATE = env.bool("API_WEBHOOK_ALLOW_PRIVATE", default=not PRODUCTION)

# Security headers
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
# Closing the browser ends the session (shared computers in public places); SESSION_COOKIE_AGE bounds it otherwise.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs: one JSON object per line in production (request id, user id, view, status, duration; no personal data in
# messages), plain lines otherwise. LOG_FORMAT=json|plain overrides the default.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "relais.core.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_context"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Error tracker (Sentry or a compatible service such as GlitchTip), only when SENTRY_DSN is set. No personal data
# leaves: no user e-mail or address, no request body, no local variables of the stack.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
    )

# Prometheus metrics at /metriques/, for a scraper that sends "Authorization: Bearer <METRICS_TOKEN>"; the page
# does not exist without a token. Under gunicorn, PROMETHEUS_MULTIPROC_DIR (and -c config/gunicorn.py) sums the
# workers' counters.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Health thresholds of /sante/ (seconds): beyond them the platform is reported not ready (503).
HEALTH_SCHEDULER_MAX_AGE = env.int("HEALTH_SCHEDULER_MAX_AGE", default=180)
HEALTH_TASK_MAX_AGE = env.int("HEALTH_TASK_MAX_AGE", default=300)
HEALTH_OUTBOX_MAX_AGE = env.int("HEALTH_OUTBOX_MAX_AGE", default=900)

# Conseiller numérique France Services: the Pix assessment candidates are invited to, and the gross monthly SMIC
# below which a contract cannot be validated.
CN_PIX_URL = env.str("CN_PIX_URL", default="https://pix.fr/conseiller-numerique")
CN_SMIC_MONTHLY_GROSS = env.str("CN_SMIC_MONTHLY_GROSS", default="1801.80")
