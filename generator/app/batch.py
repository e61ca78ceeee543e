"""``nianbao batch``: the command-line side of a batch run (the engine is ``generator.batch``)."""

from __future__ import annotations

from pathlib import Path

from ..batch import BatchRequest, run_batch


def cmd_batch(args) -> int:
    return run_batch(
        BatchRequest(
            source=Path(args.input),
            output=Path(args.output),
            targets=tuple(args.to),
            jobs=args.jobs,
            previous=Path(args.previous) if args.previous else None,
            force=args.force,
            ignore_errors=args.ignore_errors,
            expected=Path(args.expected) if args.expected else None,
            deadline=args.deadline,
            name=args.name or "",
            scorecard=Path(args.scorecard) if args.scorecard else None,
        )
    )
