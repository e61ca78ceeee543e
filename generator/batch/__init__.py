"""``nianbao batch``, as stages: plan → work → spool → settle → publish (``run`` puts them in order).

plan.py (inputs, every file classified) · expected.py (the 名单) · previous.py (last year's index) · work.py (one unit in a worker)
· pool.py/progress.py (running) · spool.py (records on disk) · settle.py (filing status) · publish.py
(roll-ups, 校验结果.xlsx, 审核报告.html, summary). ``record.UnitRecord`` is what flows between them.
"""

from .run import BatchRequest, DiskFull, run_batch

__all__ = ["BatchRequest", "DiskFull", "run_batch"]
