#!/usr/bin/env bash
# The teacher's commands for the genai-lab nbgrader course (this folder is the course).
#
#   assignments/course.sh build                  write source/*/*.ipynb from the specs
#                                                (scripts/assignments/specs/<name>.py)
#   assignments/course.sh check                  exit 1 if a source notebook is stale
#   assignments/course.sh validate [NAME...]     run each source notebook: all tests pass
#   assignments/course.sh generate [NAME...]     build + nbgrader generate_assignment -> release/
#   assignments/course.sh release  [NAME...]     copy release/ to the exchange (students fetch)
#   assignments/course.sh collect  [NAME...]     copy the exchange's submissions to submitted/
#   assignments/course.sh grade [NAME...]        the safe grader (= make grade): submitted/ ->
#                                                gradebook.db, autograded/ (the Formgrader's
#                                                view), feedback/*.html; extra options of
#                                                `python -m assignments.grader grade` in GRADER_ARGS
#   assignments/course.sh autograde [NAME...]    the same as grade (stock autograde is refused)
#   assignments/course.sh feedback               feedback/*.html again, with the marks and
#                                                comments given in the Formgrader
#   assignments/course.sh return   [NAME...]     put the feedback in the exchange (fetch_feedback)
#   assignments/course.sh export                 gradebook -> grades.csv
#   assignments/course.sh list                   the assignments' names (one spec each)
#
# NAME is one of the assignments (`course.sh list`; default: all of them). The pipeline after
# collect is: grade (or `make grade`) -> the Formgrader for manual grades and comments ->
# feedback -> return. Extra nbgrader
# options can be given in NBGRADER_ARGS, e.g. NBGRADER_ARGS=--force or
# NBGRADER_ARGS=--Execute.timeout=10. The exchange folder is assignments/exchange unless
# GENAI_LAB_EXCHANGE is set. Uses the course virtualenv (../.venv) if it exists.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VENV:-$HERE/../.venv}"
if [ -x "$VENV/bin/nbgrader" ]; then
    # nbgrader runs `alembic` (database set-up) as a subprocess: it must be on PATH.
    export PATH="$VENV/bin:$PATH"
fi
PYTHON="$(command -v python || command -v python3)"
BUILD="$HERE/../scripts/assignments/build.py"  # the builder; its specs/ folder is the list
cd "$HERE"

if [ -f "$BUILD" ]; then
    mapfile -t ALL < <("$PYTHON" "$BUILD" --list)
else  # a course folder copied away from the repository: its source/ folders
    ALL=()
    for dir in source/*/; do ALL+=("$(basename "$dir")"); done
fi
cmd="${1:-help}"
shift || true
names=("$@")
if [ ${#names[@]} -eq 0 ]; then names=("${ALL[@]}"); fi
read -r -a extra <<< "${NBGRADER_ARGS:-}"

each() {  # run `nbgrader <subcommand> NAME` for every assignment
    local sub="$1"; shift
    for name in "${names[@]}"; do
        nbgrader "$sub" "$name" "$@" ${extra[@]+"${extra[@]}"}
    done
}

case "$cmd" in
    build)     "$PYTHON" "$BUILD" ;;
    check)     "$PYTHON" "$BUILD" --check ;;
    list)      printf '%s\n' "${ALL[@]}" ;;
    validate)
        for name in "${names[@]}"; do
            nbgrader validate "source/$name/$name.ipynb" ${extra[@]+"${extra[@]}"}
        done ;;
    generate)  "$PYTHON" "$BUILD" "${names[@]}"; each generate_assignment ;;
    release)   each release_assignment ;;
    collect)   each collect ;;
    grade|autograde)   # the safe grader, run from the repository (it holds assignments/grader)
        read -r -a gargs <<< "${GRADER_ARGS:-}"
        sel=()
        if [ $# -gt 0 ]; then for name in "${names[@]}"; do sel+=(--assignment "$name"); done; fi
        (cd "${GENAI_LAB_REPO:-$HERE/..}" && "$PYTHON" -m assignments.grader grade --course "$HERE" \
            ${sel[@]+"${sel[@]}"} ${gargs[@]+"${gargs[@]}"}) ;;
    feedback)
        (cd "${GENAI_LAB_REPO:-$HERE/..}" && "$PYTHON" -m assignments.grader feedback --course "$HERE") ;;
    return)    each release_feedback ;;
    export)    nbgrader export ${extra[@]+"${extra[@]}"}; echo "wrote $HERE/grades.csv" ;;
    help|-h|--help) sed -n '2,/^set /{/^#/p}' "$HERE/course.sh" | sed 's/^# \{0,1\}//' ;;
    *) echo "course.sh: unknown command '$cmd' (try: course.sh help)" >&2; exit 2 ;;
esac
