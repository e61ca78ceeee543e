"""Build nianbao's wheel, sdist and one offline bundle per platform into dist/ (run by `make dist`).

A bundle is a zip a clerk unpacks on a machine without internet: our wheel, every dependency as a wheel
for CPython 3.10–3.13 of that platform (pinned by requirements.lock), the installer, 说明.txt, 清单.txt
(every file with its size and SHA-256) and SHA256SUMS. Everything is built from the tracked files only.

A dependency without a wheel for a platform is built here when it is pure Python; otherwise that bundle
is not written and the build ends with exit code 1, naming the package and the platform.

    python scripts/dist/build.py [--platform NAME ...] [--out dist]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
# Downloaded wheels are kept here between builds (pip's own HTTP cache is not always usable): later builds
# need no network until requirements.lock changes.
DEFAULT_CACHE = Path(os.environ.get("NIANBAO_DIST_CACHE") or Path.home() / ".cache" / "nianbao-dist")
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
# Kylin V10 and UOS 20 ship glibc 2.28: every manylinux tag up to 2_28 runs there (pip wants each one named).
MANYLINUX = (*(f"manylinux_2_{minor}" for minor in range(28, 16, -1)), "manylinux2014")


@dataclass(frozen=True)
class Platform:
    name: str
    label: str  # for 说明.txt
    tags: tuple[str, ...]  # pip --platform values
    markers: dict[str, str]  # PEP 508 environment of the target, for the lock's markers
    windows: bool = False

    def pip_target(self, python: str) -> list[str]:
        """pip options that make it choose wheels for this platform and CPython version, not for this machine."""
        abi = "cp" + python.replace(".", "")
        options = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python]
        options += ["--abi", abi, "--abi", "abi3", "--abi", "none"]
        for tag in self.tags:
            options += ["--platform", tag]
        return options


def system(name: str, machine: str) -> dict[str, str]:
    kinds = {"Windows": ("win32", "nt"), "Linux": ("linux", "posix"), "Darwin": ("darwin", "posix")}
    return {
        "platform_system": name,
        "sys_platform": kinds[name][0],
        "os_name": kinds[name][1],
        "platform_machine": machine,
    }


PLATFORMS = {
    p.name: p
    for p in (
        Platform("windows-x86_64", "Windows 10/11（64 位）", ("win_amd64",), system("Windows", "AMD64"), windows=True),
        Platform(
            "linux-x86_64", "Linux x86_64（统信 UOS、麒麟等，Intel/AMD/兆芯/海光 CPU）",
            tuple(f"{t}_x86_64" for t in MANYLINUX), system("Linux", "x86_64"),
        ),
        Platform(
            "linux-aarch64", "Linux aarch64（麒麟、统信 UOS 等，飞腾/鲲鹏/麒麟 ARM CPU）",
            tuple(f"{t}_aarch64" for t in MANYLINUX), system("Linux", "aarch64"),
        ),
        Platform("macos-arm64", "macOS 11 或更新（Apple 芯片 M1/M2/M3/M4）", ("macosx_11_0_arm64",), system("Darwin", "arm64")),
        Platform("macos-x86_64", "macOS 11 或更新（Intel 芯片）", ("macosx_11_0_x86_64",), system("Darwin", "x86_64")),
    )
}  # fmt: skip


class BuildError(Exception):
    """A bundle that cannot be made here; the message names the package and platform."""


def run(command: list[str | Path], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False)


def pip(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args])


def offline_pip(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """pip without this machine's pip.conf and PIP_* variables (their find-links must not leak into a bundle)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    command = [sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check", *map(str, args)]
    return subprocess.run(
        command, capture_output=True, text=True, check=False, env={**env, "PIP_CONFIG_FILE": os.devnull}
    )


def tracked_copy(dest: Path) -> None:
    """Copy the files git tracks (nothing untracked, no build folders) to dest."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listing.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def build_wheel_and_sdist(out: Path, work: Path) -> Path:
    """Our wheel and sdist into out; returns the wheel."""
    source = work / "src"
    tracked_copy(source)
    result = run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, source])
    if result.returncode:
        raise BuildError("构建 wheel 和 sdist 失败：\n" + result.stdout[-3000:] + result.stderr[-3000:])
    return next(out.glob("nianbao-*.whl"))


def locked_versions(platform: Platform, python: str) -> dict[str, str]:
    """The lock's pins for one target. pip evaluates a constraint's marker for the machine it runs on, not for
    --python-version, so the lock's markers (a pin for older Pythons) are evaluated here."""
    from packaging.requirements import Requirement

    target = {"python_version": python, "python_full_version": f"{python}.0", **platform.markers}
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(target):
                pins[canonical(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return pins


def write_constraints(platform: Platform, python: str, path: Path) -> Path:
    path.write_text("".join(f"{name}=={version}\n" for name, version in locked_versions(platform, python).items()))
    return path


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


MISSING = re.compile(r"Could not find a version that satisfies the requirement ([A-Za-z0-9][A-Za-z0-9._-]*)")


def pip_errors(result: subprocess.CompletedProcess[str]) -> str:
    """pip's explanation without its download progress and this machine's find-links warnings."""
    noise = ("WARNING: Location", "Looking in", "Collecting", "Downloading", "Processing", "File was already", "Saved")
    lines = [
        line for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not line.startswith(noise) and "━" not in line
    ]  # fmt: skip
    return "\n".join(lines[-25:])


def missing_package(pip_output: str) -> str | None:
    """The distribution pip found no usable file for, from its error text."""
    match = MISSING.search(pip_output)
    return match.group(1) if match else None


def download(platform: Platform, python: str, wheel: Path, wheels: Path, cache: Path) -> None:
    """Every dependency of our wheel for one platform and Python into wheels/, from the cache when it has them.

    The bundle is always filled offline from the cache (so what it holds is what the cache resolves to); only
    when that fails are the missing wheels fetched into the cache, pure-Python ones built from sdists there.
    """
    constraints = write_constraints(
        platform, python, wheels.parent.parent / f"constraints-{platform.name}-{python}.txt"
    )
    target = [*platform.pip_target(python), "-c", constraints, "--find-links", cache]
    if offline_pip("download", *target, "--no-index", "-d", wheels, wheel).returncode == 0:
        return
    tried: set[str] = set()
    while (fetched := pip("download", *target, "-d", cache, wheel)).returncode:
        package = missing_package(fetched.stderr)
        if package is None or package in tried:
            raise BuildError(f"{platform.name}，CPython {python}：pip download 失败：\n{pip_errors(fetched)}")
        tried.add(package)
        build_pure_wheel(package, platform, python, cache)
    (cache / wheel.name).unlink(missing_ok=True)  # our own wheel is not cached: it changes with every build
    result = offline_pip("download", *target, "--no-index", "-d", wheels, wheel)
    if result.returncode:
        raise BuildError(f"{platform.name}，CPython {python}：缓存 {cache} 里的 wheel 不全：\n{pip_errors(result)}")


def build_pure_wheel(package: str, platform: Platform, python: str, built: Path) -> None:
    """Build a wheel of a dependency that publishes only an sdist; refuse when it is not pure Python."""
    version = locked_versions(platform, python).get(canonical(package))
    spec = f"{package}=={version}" if version else package
    where = f"{platform.name}（CPython {python}）"
    with tempfile.TemporaryDirectory() as tmp:
        here = pip("download", "--no-deps", "--only-binary=:all:", "-d", tmp, spec)
        if here.returncode == 0 and not any(w.name.endswith("-none-any.whl") for w in Path(tmp).glob("*.whl")):
            raise BuildError(
                f"{where} 缺少 {spec} 的 wheel：它含编译的扩展（只为别的平台发布了 wheel），"
                "无法在这里为该平台构建。请换用有该平台 wheel 的版本，或去掉这个依赖。"
            )
        result = pip("wheel", "--no-deps", "--no-binary", package, "-w", tmp, spec)
        wheels = list(Path(tmp).glob("*.whl"))
        if result.returncode or not wheels:
            raise BuildError(f"{where} 缺少 {spec} 的 wheel，从源码构建也失败：\n{result.stderr[-2000:]}")
        if not wheels[0].name.endswith("-none-any.whl"):
            raise BuildError(
                f"{where} 缺少 {spec} 的 wheel：源码构建出的 {wheels[0].name} 不是纯 Python 的，不能用于该平台。"
            )
        shutil.copy2(wheels[0], built / wheels[0].name)
        print(f"  {spec} 只有源码包，已构建纯 Python wheel：{wheels[0].name}")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_file(path: Path, text: str, windows: bool) -> None:
    """Windows gets CRLF and a BOM (Notepad of older Windows guesses the encoding otherwise)."""
    if windows:
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\r\n", "\n").replace("\n", "\r\n").encode())
    else:
        path.write_text(text, encoding="utf-8", newline="\n")


def write_checksums(folder: Path, windows: bool) -> None:
    """清单.txt (every file, size and SHA-256) and SHA256SUMS (`sha256sum -c` format, also covers 清单.txt)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    rows = [f"{p.relative_to(folder).as_posix()}\t{p.stat().st_size}\t{sha256(p)}" for p in files]
    total = sum(p.stat().st_size for p in files)
    listing = "\n".join(
        [f"{folder.name} 的全部文件（{len(files)} 个，共 {total} 字节）", "文件\t大小（字节）\tSHA-256", *rows, ""]
    )
    text_file(folder / "清单.txt", listing, windows)
    files.append(folder / "清单.txt")
    sums = "".join(f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in files)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")


def add_installer(platform: Platform, folder: Path, version: str) -> None:
    if platform.windows:
        for script in sorted((PACKAGING / "windows").glob("*.bat")):  # 安装.bat, nianbao.bat, nianbao-cmd.bat
            (folder / script.name).write_bytes(script.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
        readme = PACKAGING / "windows" / "说明.txt"
    else:
        shutil.copy2(PACKAGING / "unix" / "install.sh", folder / "install.sh")
        (folder / "install.sh").chmod(0o755)
        readme = PACKAGING / "unix" / "说明.txt"
    fields = {"version": version, "bundle": folder.name, "label": platform.label, "pythons": "、".join(PYTHONS)}
    text_file(folder / "说明.txt", Template(readme.read_text(encoding="utf-8")).substitute(fields), platform.windows)


def zip_folder(folder: Path, archive: Path) -> None:
    """The folder as a zip with its name as the top folder; install.sh keeps its execute bit."""
    partial = archive.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
                info.compress_type = zipfile.ZIP_DEFLATED
                with path.open("rb") as source, bundle.open(info, "w") as target:
                    shutil.copyfileobj(source, target)
    partial.replace(archive)


def build_bundle(platform: Platform, wheel: Path, out: Path, work: Path, cache: Path) -> Path:
    version = wheel.name.split("-")[1]
    folder = work / f"nianbao-{version}-{platform.name}"
    wheels = folder / "wheels"
    wheels.mkdir(parents=True)
    for python in PYTHONS:
        print(f"  {platform.name}：CPython {python} 的依赖")
        download(platform, python, wheel, wheels, cache)
    add_installer(platform, folder, version)
    write_checksums(folder, platform.windows)
    archive = out / f"{folder.name}.zip"
    zip_folder(folder, archive)
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS), help="默认全部平台")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help=f"下载的 wheel 存放处（默认 {DEFAULT_CACHE}）"
    )
    args = parser.parse_args(argv)
    cache: Path = args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    out: Path = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            wheel = build_wheel_and_sdist(out, work)
        except BuildError as error:
            print(f"错误：{error}", file=sys.stderr)
            return 1
        print(f"已构建 {wheel.name}")
        for name in args.platform or list(PLATFORMS):
            try:
                archive = build_bundle(PLATFORMS[name], wheel, out, work, cache)
                print(f"已生成 {archive.name}（{archive.stat().st_size / 2**20:.1f} MB）")
            except BuildError as error:
                failures.append(str(error))
    (out / "SHA256SUMS").write_text("".join(f"{sha256(p)}  {p.name}\n" for p in sorted(out.glob("nianbao-*"))))
    for failure in failures:
        print(f"错误：{failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
