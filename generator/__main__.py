from .app.cli import main

if __name__ == "__main__":  # worker processes on Windows re-import this module
    raise SystemExit(main())
