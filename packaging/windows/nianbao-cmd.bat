@echo off
rem Opened by the desktop shortcut (cmd /k): nianbao on PATH, the Documents folder as working folder.
chcp 65001 >nul
set "PATH=%~dp0;%PATH%"
if exist "%USERPROFILE%\Documents" cd /d "%USERPROFILE%\Documents"
echo nianbao 年报：在这个窗口里输入 nianbao 命令，例如
echo   nianbao doctor                              检查环境
echo   nianbao form -o 填报表.xlsx                  生成 Excel 填报表
echo   nianbao check 填报表.xlsx                    校验
echo   nianbao render 填报表.xlsx --to docx,html,pdf   生成报告
echo   nianbao --help                              全部命令
echo 当前文件夹：%CD%
