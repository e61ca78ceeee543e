@echo off
rem nianbao offline installer for Windows: finds Python 3.10-3.13, makes a venv next to this file,
rem installs from wheels\ without network, writes a desktop shortcut, logs to the install log file.
chcp 65001 >nul
setlocal EnableExtensions
rem Python writes UTF-8 into redirected output too, like this console (65001) and the log.
set "PYTHONUTF8=1"
cd /d "%~dp0"
set "HERE=%~dp0"
set "VENV=%~dp0venv"
set "LOG=%~dp0安装日志.txt"
>>"%LOG%" echo ===== %DATE% %TIME% 开始安装 =====
call :say nianbao 离线安装：不联网，只用本文件夹 wheels 里的安装包。
call :say   安装位置：%VENV%
call :say   安装记录：%LOG%
if not exist "%HERE%wheels\" goto no_wheels

rem The newest Python 3.10-3.13 the py launcher knows, else python on PATH if its version fits.
set "PY="
rem The wheels are for 64-bit Python only: a 32-bit Python does not count.
for %%v in (3.13 3.12 3.11 3.10) do if not defined PY py -%%v -c "import struct, sys; sys.exit(struct.calcsize('P') != 8)" >nul 2>&1 && set "PY=py -%%v"
if not defined PY python -c "import struct, sys; sys.exit(struct.calcsize('P') != 8 or not (3, 10) <= sys.version_info[:2] <= (3, 13))" >nul 2>&1 && set "PY=python"
if not defined PY goto no_python
for /f "delims=" %%v in ('%PY% -c "import sys; print(sys.version.split()[0])"') do set "PYVER=%%v"
call :say 使用 Python %PYVER%（%PY%）

call :say 第 1 步：在 %VENV% 创建独立的 Python 环境（原有的会被替换）
%PY% -m venv --clear "%VENV%" >>"%LOG%" 2>&1
if errorlevel 1 goto no_venv

call :say 第 2 步：从 wheels 离线安装 nianbao 和它用到的库（约需 1 分钟）
rem --isolated and no config file: a pip.ini or PIP_ variable of this machine must not matter.
set "PIP_CONFIG_FILE=nul"
"%VENV%\Scripts\python.exe" -m pip --isolated install --disable-pip-version-check --no-index --find-links "%HERE%wheels" nianbao >>"%LOG%" 2>&1
if errorlevel 1 goto no_install

call :say 第 3 步：在桌面创建快捷方式「nianbao 年报」（打开一个可以输入 nianbao 命令的窗口）
set "NB_HERE=%HERE%"
powershell -NoProfile -ExecutionPolicy Bypass -Command "$d=[Environment]::GetFolderPath('Desktop'); $s=(New-Object -ComObject WScript.Shell).CreateShortcut($d+'\nianbao 年报.lnk'); $s.TargetPath=$env:ComSpec; $s.Arguments='/k call '+[char]34+$env:NB_HERE+'nianbao-cmd.bat'+[char]34; $s.WorkingDirectory=[Environment]::GetFolderPath('MyDocuments'); $s.Save()" >>"%LOG%" 2>&1
if errorlevel 1 goto shortcut_bat
goto check

:shortcut_bat
rem No PowerShell: a .bat on the desktop does the same.
>"%USERPROFILE%\Desktop\nianbao 年报.bat" echo @cmd /k call "%HERE%nianbao-cmd.bat"
if errorlevel 1 call :say 没能在桌面创建快捷方式；可以直接双击本文件夹里的 nianbao-cmd.bat。

:check
call :say 第 4 步：环境检查（nianbao doctor）
"%VENV%\Scripts\python.exe" -m generator doctor -o "%USERPROFILE%" > "%TEMP%\nianbao-doctor.txt" 2>&1
type "%TEMP%\nianbao-doctor.txt"
type "%TEMP%\nianbao-doctor.txt" >>"%LOG%"
del "%TEMP%\nianbao-doctor.txt" >nul 2>&1
call :blank
call :say 安装完成。双击桌面上的「nianbao 年报」，在打开的窗口里输入 nianbao 命令，例如：
call :say   nianbao form -o 填报表.xlsx
call :say   nianbao render 填报表.xlsx --to docx,html,pdf
call :say 也可以在任何命令提示符窗口里运行本文件夹的 nianbao.bat。PDF 需要的系统库见 说明.txt。
goto done

:no_wheels
call :say 找不到 wheels 文件夹。请先把压缩包完整解压（右键「全部解压缩」），再双击解压出的文件夹里的 安装.bat。
goto failed

:no_python
call :say 没有找到 64 位的 Python 3.10、3.11、3.12 或 3.13。本机已有的 Python（可能没有）：
py -0 >>"%LOG%" 2>&1
py -0 2>nul
python --version 2>nul
python --version >>"%LOG%" 2>&1
call :blank
call :say 办法：在 https://www.python.org/downloads/windows/ 下载 Python 3.12 的 Windows installer 64-bit，
call :say 内网电脑可在别的电脑上下载后用 U 盘拷过来。安装时勾选 Add python.exe to PATH，装好后再双击 安装.bat。
call :say 注意：Windows 7 不能安装 Python 3.10 以上的版本，需要 Windows 10 或 11。
goto failed

:no_venv
call :say 创建 Python 环境失败（文件夹不能写入？杀毒软件拦截？），详情见 安装日志.txt。
call :say 可以把本文件夹移到「文档」等自己的文件夹里再试。
goto failed

:no_install
call :say 离线安装失败：这个安装包可能不适合本机（它适用于 64 位 Windows 和 Python 3.10 到 3.13）。
call :say 原因见 安装日志.txt 的最后几行。
goto failed

:failed
call :blank
call :say 安装没有完成。出问题时请把 安装日志.txt 发给技术人员。
pause
exit /b 1

:done
pause
exit /b 0

:say
echo(%*
>>"%LOG%" echo(%*
exit /b 0

:blank
echo(
>>"%LOG%" echo(
exit /b 0
