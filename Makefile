# 法治对标 — the two commands a newcomer types: `make run` and `make test`.
# Both install from the lock files (exact versions with hashes); `make lock` refreshes them.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
DB     := data/fazhi.duckdb
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
PORT   ?= 8501
# Only this machine by default; ADDRESS=<LAN address> serves the office network (README: 在单位网络中使用).
ADDRESS ?= 127.0.0.1
LOCKFLAGS := --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -q

.PHONY: run test test-fast lint bench db browser lock clean briefing-preview

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install -q -U pip

$(STAMP): requirements.lock pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q --require-hashes -r requirements.lock
	$(PIP) install -q --no-deps -e .
	touch $@

$(TSTAMP): requirements-test.lock pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q --require-hashes -r requirements-test.lock
	$(PIP) install -q --no-deps -e .
	touch $@ $(STAMP)

# Re-resolve the dependencies in pyproject.toml to exact versions with hashes.
lock: | $(VENV)/bin/python
	$(PIP) install -q pip-tools
	$(VENV)/bin/pip-compile $(LOCKFLAGS) -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile $(LOCKFLAGS) --extra test -o requirements-test.lock pyproject.toml

# Build the database from data/reports/ when it is missing, older than a report or correction, or
# cannot be read (then rebuilt from the reports; the damaged file is renamed and kept beside it).
db: $(STAMP)
	@if [ ! -f $(DB) ] || [ -n "$$(find data/reports data/corrections.csv -newer $(DB) 2>/dev/null | head -n 1)" ]; then \
		$(PY) -m pipeline build; \
	elif ! $(PY) -m pipeline.build.health $(DB); then \
		echo "从报告重建数据库……"; $(PY) -m pipeline build --full; \
	else echo "数据库已是最新：$(DB)"; fi

# Serves on the loopback address only (see ADDRESS above).
run: db
	$(PY) -m streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

# Debian's Chromium and a CJK font for the browser tests (installed once; needs root and apt).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		echo "安装 Chromium 与中文字体（apt-get）…"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	fi

# Everything: the tests on both cores, then the browser tests one at a time (each starts a server).
test: $(TSTAMP) browser
	$(PY) -m pytest -q -n 2 --ignore=tests/e2e
	$(PY) -m pytest -q tests/e2e

# The inner loop: everything but the browser tests and the slow soak/property tests (under a minute).
test-fast: $(TSTAMP)
	$(PY) -m pytest -q -n 2 -m "not slow and not e2e" --ignore=tests/e2e

lint: $(TSTAMP)
	$(PY) -m ruff check pipeline dashboard app.py tests benchmarks
	$(PY) -m ruff format --check pipeline dashboard app.py tests benchmarks

# The scale table (extraction, build, dashboard on a synthetic national corpus), then the per-issue
# figures: extraction start-up, 10,000 distinct reports built, each page on the sample database.
bench: $(TSTAMP) browser
	$(PY) -m benchmarks.run_all
	$(PY) -m benchmarks.extract_speed
	$(PY) -m benchmarks.build_speed --distinct
	$(PY) -m benchmarks.page_speed
	$(PY) -m benchmarks.hostile_scaling

# A briefing from the sample database, as .docx, PDF and one PNG per page in $(PREVIEW), to look at.
# Needs LibreOffice Writer and poppler (apt-get install libreoffice-writer poppler-utils).
PREVIEW := build/briefing-preview
briefing-preview: db
	@command -v soffice >/dev/null && command -v pdftoppm >/dev/null || \
		{ echo "需要 LibreOffice 与 poppler：apt-get install -y libreoffice-writer poppler-utils"; exit 1; }
	mkdir -p $(PREVIEW) && rm -f $(PREVIEW)/*
	$(PY) -m dashboard.briefing --year 2024 --level county --db $(DB) -o $(PREVIEW)/简报.docx
	soffice --headless --convert-to pdf --outdir $(PREVIEW) $(PREVIEW)/简报.docx >/dev/null
	pdftoppm -png -r 110 $(PREVIEW)/简报.pdf $(PREVIEW)/简报
	@echo "简报预览：$(PREVIEW)/（$$(ls $(PREVIEW)/*.png | wc -l) 页 PNG）"

clean:
	rm -rf $(VENV) $(DB) $(DB).wal
