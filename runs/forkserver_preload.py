"""The fork server's first preload: from here on it ignores SIGINT (imported there only).

Ctrl-C in a terminal sends SIGINT to the whole process group, the fork server included.
Python's fork server ignores SIGINT only once its preload (the model: seconds of imports) is
done; a Ctrl-C before that printed a KeyboardInterrupt traceback from inside its import,
after the driver's own one line. The driver alone handles SIGINT and ends the fork server
itself. Its workers inherit the setting, which they set anyway (`runs.execute`).

Importing this module changes the process's SIGINT handling: the driver never imports it.
"""

from __future__ import annotations

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
