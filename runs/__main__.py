"""``python -m runs``: see `runs.cli`.

SIGINT and SIGTERM are handled before anything heavy is imported: importing the command line
imports pandas and the model (seconds), and a Ctrl-C then was a KeyboardInterrupt traceback.
Now it is one line and exit 130 / 143, as at any later moment (`runs.cli.main` takes over).
"""

import signal
import sys

from runs.errors import Interrupted
from runs.signals import SIGNALS, interrupt_in, quiet_lost_interrupts, raise_interrupted

for _signum in SIGNALS:
    signal.signal(_signum, raise_interrupted)
try:
    with quiet_lost_interrupts():
        from runs.cli import main
except BaseException as exc:
    # compiled code being imported can turn the interrupt into another error: look behind it
    interrupt = interrupt_in(exc)
    if interrupt is None:
        raise
    code = interrupt.exit_code if isinstance(interrupt, Interrupted) else 130
    print(f"stopped by {signal.Signals(code - 128).name}: nothing has run yet", file=sys.stderr)
    sys.exit(code)
code = main()
# Past `main` nothing is left to stop cleanly: a late signal ends the process as it would
# any program, without a traceback from the handler above.
for _signum in SIGNALS:
    signal.signal(_signum, signal.SIG_DFL)
sys.exit(code)
