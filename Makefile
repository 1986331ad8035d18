# The two entry points of the README. Both create .venv on first use and keep it up to date.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run test browser bench eval

# What running needs (torch only builds the ONNX export on first use; answers never import it).
$(RUN_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch is pinned in pyproject (2.13.0, the CPU build): an unpinned one pulls a multi-GB CUDA build
	$(PY) -m pip install -q -e .
	touch $(RUN_STAMP)

# Running plus the test extras (pytest, playwright).
$(STAMP): $(RUN_STAMP)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(RUN_STAMP)
	$(VENV)/bin/assistant serve

# Debian's chromium and a Japanese font for the browser tests (no browser download: no internet).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi ipagothic; then \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-ipafont-gothic >/dev/null; \
		else \
			echo "browser tests need Debian's chromium and fonts-ipafont-gothic: sudo apt-get install chromium fonts-ipafont-gothic" >&2; \
		fi; \
	fi

test: $(STAMP) browser
	$(PY) -m pytest -q -p no:cacheprovider

bench: $(RUN_STAMP)
	$(PY) benchmarks/bench.py

eval: $(RUN_STAMP)
	$(VENV)/bin/assistant eval
