# 法治对标 — the two commands a newcomer types: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
DB     := data/fazhi.duckdb
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
PORT   ?= 8501

.PHONY: run test lint bench db browser clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e .
	touch $@

$(TSTAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(STAMP)

# Build the database from data/reports/ when it is missing, older than a report or correction, or
# cannot be read (then rebuilt from the reports; the damaged file is renamed and kept beside it).
db: $(STAMP)
	@if [ ! -f $(DB) ] || [ -n "$$(find data/reports data/corrections.csv -newer $(DB) 2>/dev/null | head -n 1)" ]; then \
		$(PY) -m pipeline build; \
	elif ! $(PY) -m pipeline.build.health $(DB); then \
		echo "从报告重建数据库……"; $(PY) -m pipeline build --full; \
	else echo "数据库已是最新：$(DB)"; fi

run: db
	$(PY) -m streamlit run app.py --server.port $(PORT)

# Debian's Chromium and a CJK font for the browser tests (installed once; needs root and apt).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		echo "安装 Chromium 与中文字体（apt-get）…"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	fi

test: $(TSTAMP) browser
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(TSTAMP)
	$(PY) -m ruff check pipeline dashboard pages app.py tests benchmarks
	$(PY) -m ruff format --check pipeline dashboard pages app.py tests benchmarks

# The scale table (extraction, build, dashboard on a synthetic national corpus), then the per-issue
# figures: extraction start-up, 10,000 distinct reports built, each page on the sample database.
bench: $(TSTAMP) browser
	$(PY) -m benchmarks.run_all
	$(PY) -m benchmarks.extract_speed
	$(PY) -m benchmarks.build_speed --distinct
	$(PY) -m benchmarks.page_speed

clean:
	rm -rf $(VENV) $(DB) $(DB).wal
