#!/bin/sh
# nianbao 离线安装（Linux：统信 UOS、麒麟等；macOS）。用法：在解压出的文件夹里运行  sh install.sh
# Offline install from this bundle: a virtual environment in ~/.local/share/nianbao (or $NIANBAO_HOME),
# the command linked at ~/.local/bin/nianbao, everything logged to 安装日志.txt. POSIX sh (macOS has bash 3.2).
set -u

here=$(cd "$(dirname "$0")" && pwd)
home_dir=${NIANBAO_HOME:-"$HOME/.local/share/nianbao"}
bin_dir="$HOME/.local/bin"
log="$here/安装日志.txt"
if ! : >>"$log" 2>/dev/null; then
  mkdir -p "$home_dir" && log="$home_dir/安装日志.txt"
fi

say() {
  printf '%s\n' "$*"
  printf '%s\n' "$*" >>"$log"
}

fail() {
  say ""
  say "安装没有完成：$*"
  say "详细记录在：$log"
  exit 1
}

python_advice() {
  say ""
  if [ "$(uname -s)" = "Darwin" ]; then
    say "macOS 的办法：从 https://www.python.org/downloads/macos/ 下载并安装 Python 3.12（或 3.10 以上任一版本），"
    say "装好后重新打开「终端」，再运行 sh install.sh。"
  else
    say "可行的办法有两个："
    say "  1. 从操作系统厂商的软件源（麒麟、统信的应用商店、软件源或内网镜像）安装 Python 3.10 或更新版本，"
    say "     例如 python3.11 及 python3.11-venv 软件包；装好后再运行 sh install.sh（会自动找到 python3.11 等）。"
    say "     装在别处时可指定：PYTHON=/路径/python3.11 sh install.sh"
    say "  2. 在另一台有 Python 3.10 以上的电脑（Windows 也可以）上安装 nianbao，用 nianbao form 生成 Excel 填报表，"
    say "     在本机用 WPS 填好后拷回那台电脑生成报告。填报表是普通的 Excel 文件，不需要在本机安装任何东西。"
  fi
}

printf '\n===== %s 开始安装 =====\n' "$(date '+%Y-%m-%d %H:%M:%S')" >>"$log"
say "nianbao 离线安装：不联网，只用本文件夹 wheels/ 里的安装包。"
say "  安装位置：$home_dir"
say "  命令链接：$bin_dir/nianbao"
say "  安装记录：$log"

[ -d "$here/wheels" ] || fail "找不到 $here/wheels 文件夹。请把压缩包完整解压后，在解压出的文件夹里运行 sh install.sh。"

# The first Python from 3.10 to 3.13 (the bundle has wheels for those): $PYTHON if given, then versioned names, then python3.
python=""
found=""
too_new=""
for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3.10 python3; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  version=$("$candidate" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || continue
  found="$found $candidate($version)"
  if "$candidate" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null; then
    python=$(command -v "$candidate")
    break
  fi
  case $version in 3.1[4-9].* | 3.[2-9][0-9].*) too_new="$candidate($version)" ;; esac
done

if [ -z "$python" ]; then
  if [ -n "$too_new" ]; then
    say ""
    say "本机的 Python 版本太新：找到了$found。这个安装包带的是 Python 3.10 到 3.13 用的库。"
    say "请另装 Python 3.12 或 3.13（与现有的并存），再运行 sh install.sh；也可用 PYTHON=/路径/python3.12 sh install.sh 指定。"
    fail "没有 Python 3.10 到 3.13。"
  elif [ -n "$found" ]; then
    say ""
    say "本机的 Python 版本太旧：找到了$found。nianbao 需要 Python 3.10 或更新版本。"
    say "（统信 UOS 20、早期的麒麟 V10 自带 Python 3.7 或 3.8，不能直接使用；系统自带的 Python 不要升级或删除，系统程序要用它。）"
  else
    say ""
    say "本机没有找到 Python 3（python3 命令）。nianbao 需要 Python 3.10 或更新版本。"
  fi
  python_advice
  fail "缺少 Python 3.10 或更新版本。"
fi
say "使用 Python：$python（$("$python" -c 'import sys; print(sys.version.split()[0])')）"

venv="$home_dir/venv"
mkdir -p "$home_dir" || fail "不能创建文件夹 $home_dir（权限不够？可用 NIANBAO_HOME=/其他/文件夹 sh install.sh 指定别的位置）。"
say "第 1 步：创建独立的 Python 环境 $venv（原有的会被替换）"
if ! "$python" -m venv --clear "$venv" >>"$log" 2>&1; then
  say "创建 Python 环境失败。在 Debian 系的系统（统信、麒麟）上，通常是缺少 venv 软件包："
  say "  请从系统软件源安装 python3-venv（或与版本对应的 python3.11-venv 等），再运行 sh install.sh。"
  fail "不能创建 Python 环境。"
fi

say "第 2 步：从 wheels/ 离线安装 nianbao 和它用到的库（约需 1 分钟）"
# --isolated and no config file: a pip.conf or PIP_* variable of this machine (an index, a proxy) must not matter.
if ! PIP_CONFIG_FILE=/dev/null "$venv/bin/python" -m pip --isolated install --disable-pip-version-check --no-index \
  --find-links "$here/wheels" nianbao >>"$log" 2>&1; then
  say "离线安装失败：这个安装包可能不适合本机（CPU 类型或 Python 版本）。"
  say "  本机 CPU：$(uname -m)（x86_64 用 linux-x86_64 安装包，aarch64 用 linux-aarch64 安装包）"
  say "  安装包：$(basename "$here")；支持的 Python：3.10、3.11、3.12、3.13"
  fail "pip 没有装上 nianbao，原因见记录文件的最后几行。"
fi

say "第 3 步：创建命令链接 $bin_dir/nianbao"
if ! { mkdir -p "$bin_dir" && ln -sf "$venv/bin/nianbao" "$bin_dir/nianbao"; }; then
  fail "不能创建 $bin_dir/nianbao。"
fi

say "第 4 步：环境检查（nianbao doctor）"
"$venv/bin/nianbao" doctor -o "$HOME" 2>&1 | tee -a "$log"

say ""
say "安装完成：$("$venv/bin/nianbao" --version 2>&1)"
case ":$PATH:" in
  *":$bin_dir:"*)
    say "现在可以在终端里直接输入 nianbao 使用，例如：nianbao form -o 填报表.xlsx" ;;
  *)
    say "现在可以用完整路径运行：$bin_dir/nianbao"
    rc="$HOME/.bashrc"
    [ "$(basename "${SHELL:-sh}")" = "zsh" ] && rc="$HOME/.zshrc"
    say "想直接输入 nianbao：运行下面这一行，然后关掉终端重新打开："
    say "  echo 'export PATH=\"\$HOME/.local/bin:\$PATH\"' >> $rc" ;;
esac
say "不生成 PDF 时不需要再装别的；上面的检查若提示 PDF 不可用，请按提示安装系统库（见 说明.txt）。"
say "卸载：删除 $home_dir 文件夹和 $bin_dir/nianbao。"
exit 0
