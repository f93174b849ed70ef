"""Run the installed getmail6 with its child-reaping race closed, then exit with getmail's status.

getmail forks a child for every Maildir delivery and installs its SIGCHLD handler only after
fork() returns (ForkingBase.forkchild → _prepare_child). A child that exits before that is never
reaped by the handler, and the parent waits 60 seconds for a notification that never comes
(getmail6/getmail6#226, #52, #245); in the interop tests that happened about once per thousand
messages. Here the parent installs no handler and reaps the child itself with waitpid(), then lets
getmail's own code check the exit status. This touches local delivery only, nothing of POP3.

Usage: <getmail's python> getmail-run.py <getmail arguments...>
"""
import os
import runpy
import shutil
import sys
import threading

try:
    from getmailcore import baseclasses

    forking = baseclasses.ForkingBase
    original_wait = forking._wait_for_child

    class AlreadyExited(threading.Condition):
        def wait(self, timeout=None):
            return True

    def prepare_child(self):
        self._ForkingBase__child_pid = 0
        self._ForkingBase__child_status = None

    def wait_for_child(self, childpid):
        pid, status = os.waitpid(childpid, 0)
        self._ForkingBase__child_pid = pid
        self._ForkingBase__child_status = status
        self._ForkingBase__child_exited = AlreadyExited()
        return original_wait(self, childpid)

    forking._prepare_child = prepare_child
    forking._wait_for_child = wait_for_child
except (ImportError, AttributeError):
    pass  # a getmail without this structure runs unpatched

program = shutil.which("getmail")
sys.argv = [program] + sys.argv[1:]
runpy.run_path(program, run_name="__main__")
