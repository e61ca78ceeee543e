#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment outside the checkout, and use every
# command there — what a county IT person gets from `pip install nianbao-*.whl`. Run by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Build from a copy of the tracked files, so the checkout gets no build/ folder and nothing untracked slips in.
mkdir "$work/src"
(cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$work/src")
"$root/.venv/bin/python" -m pip wheel -q --no-deps --disable-pip-version-check -w "$work/dist" "$work/src" 2>&1 \
  | grep -v "^WARNING: Location" || true
wheel=$(ls "$work"/dist/nianbao-*.whl)
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check -c "$root/requirements.lock" "$wheel" 2>&1 \
  | grep -v "^WARNING: Location" || true

cd "$work"   # nothing of the checkout is reachable from here
cp "$root/examples/青石街道-2025.yaml" data.yaml
nb=("$work/venv/bin/nianbao")
set -x
"${nb[@]}" --version
"${nb[@]}" check data.yaml
"${nb[@]}" render data.yaml -o out --to docx,html,pdf
test -s "out/青石街道办事处2025年政府信息公开工作年度报告.docx"
test -s "out/青石街道办事处2025年政府信息公开工作年度报告.html"
head -c 5 "out/青石街道办事处2025年政府信息公开工作年度报告.pdf" | grep -q "%PDF-"
"${nb[@]}" form -o form.xlsx
"${nb[@]}" form --batch -o roster.xlsx
"${nb[@]}" convert data.yaml -o filled.xlsx
"${nb[@]}" check filled.xlsx
"${nb[@]}" import "out/青石街道办事处2025年政府信息公开工作年度报告.docx" -o imported.yaml
"${nb[@]}" schema > schema.json
mkdir units && cp data.yaml units/
"${nb[@]}" batch units -o batch-out -j 1
"${nb[@]}" wizard < /dev/null && exit 1 || test $? -eq 2   # no terminal: a Chinese message, exit 2
"$work/venv/bin/python" -m generator --version
"${nb[@]}" doctor -o out

# Without WeasyPrint's native libraries (a bare Windows or macOS): all but PDF works, PDF explains itself.
mkdir hide && cat > hide/sitecustomize.py <<'PY'
import cffi
def _dlopen(self, name, flags=0):
    raise OSError(f"cannot load library 'libgobject-2.0-0': {name}: cannot open shared object file")
cffi.FFI.dlopen = _dlopen
PY
code=0; PYTHONPATH="$work/hide" "${nb[@]}" render data.yaml -o bare --to docx,html,pdf > bare.log 2>&1 || code=$?
cat bare.log
test "$code" -eq 2 && grep -q "无法生成 PDF" bare.log && ! grep -q Traceback bare.log
test -s "bare/青石街道办事处2025年政府信息公开工作年度报告.docx" && test ! -e "bare/青石街道办事处2025年政府信息公开工作年度报告.pdf"
PYTHONPATH="$work/hide" "${nb[@]}" doctor -o bare
set +x
echo "wheel check passed: $(basename "$wheel")"
