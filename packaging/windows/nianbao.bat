@echo off
rem Runs nianbao from the venv that 安装.bat made next to this file; arguments pass through.
if exist "%~dp0venv\Scripts\python.exe" goto run
chcp 65001 >nul
echo nianbao 还没有安装：请先双击运行本文件夹里的「安装.bat」。
exit /b 2
:run
"%~dp0venv\Scripts\python.exe" -m generator %*
exit /b %ERRORLEVEL%
