#!/usr/bin/env bash
# Install what nianbao needs on a Debian machine, skipping whatever is already there.
#   scripts/setup.sh          runtime: fonts and libraries for rendering
#   scripts/setup.sh --test   also the tools the test suite uses (LibreOffice, poppler, tmux, Chromium)
# Idempotent and quick when everything is installed. Needs root (or sudo) only when installing.
set -euo pipefail

# fonts-liberation2: Liberation Serif, metric-compatible with Times New Roman (digits and Latin letters)
runtime_pkgs=(fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-liberation2 libgl1 libglib2.0-0)  # the last two: OpenCV, for OCR
test_pkgs=(poppler-utils libreoffice-calc-nogui libreoffice-writer-nogui tmux chromium)
font_dir=/usr/local/share/fonts/nianbao-fandol
conf_src="$(cd "$(dirname "$0")" && pwd)/65-nianbao-official-fonts.conf"
conf_dst=/etc/fonts/conf.d/65-nianbao-official-fonts.conf

pkgs=("${runtime_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && pkgs+=("${test_pkgs[@]}")
# Debian's own python3 needs python3-venv to create the virtual environment.
${PYTHON:-python3} -c "import venv, ensurepip" 2>/dev/null || pkgs+=(python3-venv)

sudo_cmd=()
[[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && sudo_cmd=(sudo)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

apt_updated=0
apt_update_once() {
  if [[ $apt_updated -eq 0 ]]; then
    "${sudo_cmd[@]}" apt-get update -qq
    apt_updated=1
  fi
}

if ((${#missing[@]})); then
  echo "安装系统软件包: ${missing[*]}"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Fandol fonts (仿宋/楷体/黑体/宋体 looks, GPL with font exception) live only inside texlive-lang-chinese:
# unpack the .otf files from the .deb without installing TeX. Only the Regular faces: the Bold files
# declare weight 400 and would be picked for regular text.
if ! ls "$font_dir"/FandolFang-Regular.otf >/dev/null 2>&1; then
  echo "安装 Fandol 字体（仿宋、楷体、黑体、宋体）"
  apt_update_once
  tmp=$(mktemp -d) && chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null && dpkg-deb -x texlive-lang-chinese_*.deb x)
  "${sudo_cmd[@]}" mkdir -p "$font_dir"
  find "$tmp/x" -name 'Fandol*-Regular.otf' -exec "${sudo_cmd[@]}" cp {} "$font_dir/" \;
  rm -rf "$tmp"
fi

if ! cmp -s "$conf_src" "$conf_dst" 2>/dev/null; then
  "${sudo_cmd[@]}" cp "$conf_src" "$conf_dst"
  "${sudo_cmd[@]}" fc-cache -f >/dev/null
fi
