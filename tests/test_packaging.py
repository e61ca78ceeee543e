"""The offline bundles' parts that need no download: installers, per-target pins, checksums, build errors.

The bundles themselves are tested by tests/test_bundle.py (`make dist-check`).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

WINDOWS = ROOT / "packaging" / "windows"
INSTALL_SH = ROOT / "packaging" / "unix" / "install.sh"


def load_build():
    spec = importlib.util.spec_from_file_location("dist_build", ROOT / "scripts" / "dist" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["dist_build"] = module
    spec.loader.exec_module(module)
    return module


build = load_build()


# --- Windows scripts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["安装.bat", "nianbao.bat", "nianbao-cmd.bat"])
def test_batch_files_have_crlf_no_bom_and_utf8_code_page_before_chinese(name):
    data = (WINDOWS / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "a BOM breaks the first line of a .bat"
    assert b"\n" not in data.replace(b"\r\n", b""), "every line ends in CRLF"
    lines = data.decode("utf-8").split("\r\n")
    assert lines[0] == "@echo off"
    first_chinese = next(
        i for i, line in enumerate(lines) if re.search(r"[\u4e00-\u9fff]", line) and not line.startswith("rem ")
    )
    chcp = next(i for i, line in enumerate(lines) if line.startswith("chcp 65001"))
    assert chcp < first_chinese, "chcp 65001 must run before any Chinese text is echoed"


def test_install_bat_jumps_only_to_labels_that_exist():
    text = (WINDOWS / "安装.bat").read_bytes().decode("utf-8")
    labels = {m.group(1).lower() for m in re.finditer(r"^:(\S+)", text, re.M)}
    targets = {m.group(1).lower() for m in re.finditer(r"\b(?:goto|call) :?(\w+)", text)}
    assert targets <= labels, targets - labels
    assert {"no_python", "no_install", "failed", "say"} <= labels


def test_install_bat_installs_offline_from_its_wheels_and_logs():
    text = (WINDOWS / "安装.bat").read_bytes().decode("utf-8")
    assert "--no-index --find-links \"%HERE%wheels\" nianbao" in text
    assert "-m venv --clear \"%VENV%\"" in text
    assert 'set "LOG=%~dp0安装日志.txt"' in text
    assert "py -%%v" in text and "python -c" in text  # the py launcher first, then python on PATH
    assert "python.org" in text  # what to do when Python is missing


# --- install.sh ------------------------------------------------------------------------------------------------


def test_install_sh_passes_shellcheck():
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run(["shellcheck", "--shell=sh", str(INSTALL_SH)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def fake_python(folder: Path, version: str | None) -> None:
    """A `python3` that reports `version` and fails the >= 3.10 check; no python3 at all when version is None."""
    folder.mkdir()
    for tool in ("sh", "dirname", "basename", "mkdir", "date", "uname", "cat", "tee", "ln"):
        os.symlink(shutil.which(tool), folder / tool)
    if version:
        script = f'#!/bin/sh\ncase "$*" in *print*) echo {version}; exit 0;; esac\nexit 1\n'
        (folder / "python3").write_text(script)
        (folder / "python3").chmod(0o755)


def run_install_sh(
    tmp_path: Path, version: str | None, real_python: Path | None = None
) -> tuple[subprocess.CompletedProcess[str], Path]:
    bundle = tmp_path / "bundle"
    (bundle / "wheels").mkdir(parents=True)
    shutil.copy2(INSTALL_SH, bundle / "install.sh")
    fake_python(tmp_path / "bin", version)
    if real_python:
        os.symlink(real_python, tmp_path / "bin" / "python3")
    env = {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"}
    result = subprocess.run(["sh", str(bundle / "install.sh")], capture_output=True, text=True, env=env)
    return result, bundle / "安装日志.txt"


def test_install_sh_on_python_38_says_so_and_names_both_ways_out(tmp_path):
    result, log = run_install_sh(tmp_path, "3.8.10")
    assert result.returncode == 1
    assert "版本太旧" in result.stdout and "python3(3.8.10)" in result.stdout
    assert "软件源" in result.stdout  # a newer Python from the OS vendor
    assert "填报表" in result.stdout and "另一台" in result.stdout  # or the tool on another machine
    assert "Traceback" not in result.stdout + result.stderr
    assert "版本太旧" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "home" / ".local" / "bin" / "nianbao").exists()


def test_install_sh_with_a_real_python_37_or_38_refuses_it(tmp_path):
    """UOS 20 / early Kylin V10: the system python3 is 3.7 or 3.8 (a real one, when this machine has it)."""
    old = [p for v in ("3.8", "3.7") for p in sorted(Path.home().glob(f".pyenv/versions/{v}.*/bin/python{v}"))]
    old += [Path(p) for p in (shutil.which("python3.8"), shutil.which("python3.7")) if p]
    working = [p for p in old if subprocess.run([p, "-c", "pass"], capture_output=True).returncode == 0]
    if not working:
        pytest.skip("no Python 3.7 or 3.8 on this machine")
    result, _ = run_install_sh(tmp_path, None, real_python=working[0])
    assert result.returncode == 1
    assert "版本太旧" in result.stdout and re.search(r"python3\(3\.[78]\.\d+\)", result.stdout)
    assert "软件源" in result.stdout and "填报表" in result.stdout


def test_install_sh_on_python_314_asks_for_a_python_the_bundle_has_wheels_for(tmp_path):
    result, _ = run_install_sh(tmp_path, "3.14.1")
    assert result.returncode == 1
    assert "版本太新" in result.stdout and "3.13" in result.stdout


def test_install_sh_without_any_python_says_none_was_found(tmp_path):
    result, _ = run_install_sh(tmp_path, None)
    assert result.returncode == 1
    assert "没有找到 Python 3" in result.stdout


def test_install_sh_outside_its_folder_contents_asks_to_unzip_first(tmp_path):
    bundle = tmp_path / "loose"
    bundle.mkdir()
    shutil.copy2(INSTALL_SH, bundle / "install.sh")
    result = subprocess.run(
        ["sh", str(bundle / "install.sh")], capture_output=True, text=True, env={**os.environ, "HOME": str(tmp_path)}
    )
    assert result.returncode == 1
    assert "wheels" in result.stdout and "解压" in result.stdout


# --- build script ----------------------------------------------------------------------------------------------


def test_lock_pins_are_chosen_for_the_target_python_and_platform():
    linux, mac_intel = build.PLATFORMS["linux-x86_64"], build.PLATFORMS["macos-x86_64"]
    assert build.locked_versions(linux, "3.10")["pillow"] == "12.3.0"
    assert build.locked_versions(linux, "3.13")["pillow"] == "13.0.0"
    assert build.locked_versions(mac_intel, "3.12")["cryptography"] == "48.0.1"
    assert build.locked_versions(linux, "3.12")["cryptography"] == "50.0.2"


def test_every_platform_asks_pip_for_its_own_wheels():
    aarch64 = build.PLATFORMS["linux-aarch64"].pip_target("3.10")
    assert aarch64[aarch64.index("--python-version") + 1] == "3.10"
    assert "cp310" in aarch64 and "manylinux_2_28_aarch64" in aarch64 and "manylinux2014_aarch64" in aarch64
    assert "manylinux_2_31_aarch64" not in aarch64  # Kylin V10 / UOS 20 have glibc 2.28
    assert set(build.PLATFORMS) == {"windows-x86_64", "linux-x86_64", "linux-aarch64", "macos-arm64", "macos-x86_64"}


def test_missing_wheel_is_named_from_pips_error():
    error = "ERROR: Could not find a version that satisfies the requirement css-inline==0.23.1 (from nianbao) (from versions: 0.11.0)"
    assert build.missing_package(error) == "css-inline"
    assert build.missing_package("ERROR: ResolutionImpossible") is None


def test_checksums_cover_every_file_and_verify_with_sha256sum(tmp_path):
    folder = tmp_path / "nianbao-0.1.0-linux-x86_64"
    (folder / "wheels").mkdir(parents=True)
    (folder / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"wheel")
    (folder / "install.sh").write_text("#!/bin/sh\n")
    build.write_checksums(folder, windows=False)
    listing = (folder / "清单.txt").read_text(encoding="utf-8")
    assert "wheels/a-1.0-py3-none-any.whl\t5\t" + build.sha256(folder / "wheels" / "a-1.0-py3-none-any.whl") in listing
    assert "install.sh\t10\t" in listing
    sums = (folder / "SHA256SUMS").read_text()
    assert {line.split("  ")[1] for line in sums.splitlines()} == {
        "wheels/a-1.0-py3-none-any.whl",
        "install.sh",
        "清单.txt",
    }
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_windows_texts_get_crlf_and_a_bom(tmp_path):
    build.text_file(tmp_path / "说明.txt", "第一行\n第二行\n", windows=True)
    data = (tmp_path / "说明.txt").read_bytes()
    assert data == b"\xef\xbb\xbf" + "第一行\r\n第二行\r\n".encode()


def test_readme_templates_fill_every_field(tmp_path):
    for platform in build.PLATFORMS.values():
        folder = tmp_path / platform.name
        folder.mkdir()
        build.add_installer(platform, folder, "0.1.0")
        text = (folder / "说明.txt").read_text(encoding="utf-8-sig")
        assert "$" not in text and platform.label in text and "OCR" in text
        assert (folder / ("安装.bat" if platform.windows else "install.sh")).exists()


def fake_pip(wheel_here: str | None, built_wheel: str | None):
    """A stand-in for pip: `download` finds `wheel_here` for this machine, `wheel` builds `built_wheel`."""

    def pip(*args):
        args = [str(a) for a in args]
        folder = Path(args[args.index("-d" if args[0] == "download" else "-w") + 1])
        name = wheel_here if args[0] == "download" else built_wheel
        if name:
            (folder / name).write_bytes(b"wheel")
        return subprocess.CompletedProcess(args, 0 if name else 1, "", "" if name else "ERROR: no such file")

    return pip


def test_a_compiled_dependency_without_a_wheel_fails_naming_package_and_platform(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "pip", fake_pip("css_inline-0.23.1-cp310-abi3-manylinux2014_x86_64.whl", None))
    with pytest.raises(build.BuildError) as error:
        build.build_pure_wheel("css-inline", build.PLATFORMS["linux-aarch64"], "3.12", tmp_path)
    assert "linux-aarch64" in str(error.value) and "css-inline==0.24.0" in str(error.value)
    assert not list(tmp_path.iterdir())


def test_a_pure_python_dependency_published_as_sdist_only_is_built_here(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "pip", fake_pip(None, "jinja2-3.1.6-py3-none-any.whl"))
    build.build_pure_wheel("Jinja2", build.PLATFORMS["windows-x86_64"], "3.10", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["jinja2-3.1.6-py3-none-any.whl"]


def test_an_sdist_that_builds_a_compiled_wheel_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "pip", fake_pip(None, "zopfli-0.4.3-cp311-cp311-linux_x86_64.whl"))
    with pytest.raises(build.BuildError, match="zopfli==0.4.3.*不是纯 Python"):
        build.build_pure_wheel("zopfli", build.PLATFORMS["macos-arm64"], "3.11", tmp_path)
