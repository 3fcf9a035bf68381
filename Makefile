# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)

.PHONY: run test install lint migrations-check deploy-check messages worker beat clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Run the app with the embedded defaults (SQLite, eager tasks, emails in var/mail) and demo data.
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the whole test suite (uses DATABASE_URL / REDIS_URL when set), one pytest-xdist worker per core;
## PYTEST_WORKERS=0 runs it in one process. `--dist load` hands each worker tests in collection order, where
## pytest-django puts transactional tests (which flush the data migrations' rows) after the others.
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

migrations-check: install
	DJANGO_SETTINGS_MODULE=mentorship.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: install
	DJANGO_SETTINGS_MODULE=mentorship.settings.production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	DJANGO_ALLOWED_HOSTS=mentorship.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

## Recompile translations after editing locale/*/LC_MESSAGES/django.po (needs gettext).
messages: install
	$(BIN)/python manage.py makemessages -l es -l pt_BR --ignore=.venv --ignore=var --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

worker: install
	$(BIN)/celery -A mentorship worker --loglevel=INFO

beat: install
	$(BIN)/celery -A mentorship beat --loglevel=INFO

clean:
	rm -rf var staticfiles .pytest_cache
