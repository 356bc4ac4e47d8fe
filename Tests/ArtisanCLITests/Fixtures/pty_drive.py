#!/usr/bin/env python3
"""Drives a program on a pseudo-terminal, as a person at a keyboard would, for the tests.

Usage: pty_drive.py SPEC_JSON

SPEC_JSON is an object:
  argv     the program and its arguments (run with this process's environment)
  steps    a list of steps, done in order:
             ["expect", TEXT]  wait until TEXT appears in the output after the previous match
                               (escape sequences removed)
             ["screen", TEXT]  wait until TEXT appears on one line of the rendered screen (for
                               what is redrawn in place, such as a completed word)
             ["send", TEXT]    type TEXT (use "\\r" for Enter, "\\t" for TAB, "\\u0004" for ^D), once
                               the program reads keys one by one (the terminal is out of canonical
                               mode, as libedit puts it while it edits a line): typed earlier, the
                               text would be echoed by the terminal and ^D would not reach libedit
  timeout  seconds one expect may wait, and the program may take to exit after the steps (10)
  rows, cols  the terminal's size (24 x 80)

Prints one JSON object on stdout:
  status      the program's exit status (128+N for signal N), null when it had to be killed
  error       null, or what went wrong (an expect that timed out, the program not exiting)
  transcript  everything the program wrote, with terminal escape sequences removed
  screen      the last screen lines, rendered from the output (cursor moves, erasing, wrapping)
"""
import errno
import fcntl
import json
import os
import re
import select
import signal
import struct
import sys
import termios
import time

ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHMNOcZ])")


def strip(text):
    return ESCAPE.sub("", text)


class Screen:
    """Just enough of a VT100 to see what a person would: printable text, CR, LF, BS, TAB,
    cursor moves (A B C D G H), erase in line (K) and in display (J), automatic wrapping."""

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.lines = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0

    def _scroll(self):
        while self.row >= self.rows:
            self.lines.pop(0)
            self.lines.append([" "] * self.cols)
            self.row -= 1

    def feed(self, text):
        index = 0
        while index < len(text):
            match = ESCAPE.match(text, index)
            if match:
                self._escape(match.group(0))
                index = match.end()
                continue
            char = text[index]
            index += 1
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self.row += 1
                self._scroll()
            elif char == "\b":
                self.col = max(0, self.col - 1)
            elif char == "\t":
                self.col = min(self.cols - 1, (self.col // 8 + 1) * 8)
            elif char == "\x07" or ord(char) < 0x20:
                pass
            else:
                if self.col >= self.cols:
                    self.col = 0
                    self.row += 1
                    self._scroll()
                self.lines[self.row][self.col] = char
                self.col += 1

    def _escape(self, sequence):
        if not sequence.startswith("\x1b["):
            return
        final, body = sequence[-1], sequence[2:-1].lstrip("?")
        numbers = [int(part) if part.isdigit() else 0 for part in body.split(";")] if body else []
        count = max(numbers[0], 1) if numbers else 1
        if final == "A":
            self.row = max(0, self.row - count)
        elif final == "B":
            self.row = min(self.rows - 1, self.row + count)
        elif final == "C":
            self.col = min(self.cols - 1, self.col + count)
        elif final == "D":
            self.col = max(0, self.col - count)
        elif final == "G":
            self.col = min(self.cols - 1, count - 1)
        elif final in "Hf":
            row = numbers[0] if len(numbers) > 0 and numbers[0] else 1
            col = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.row, self.col = min(self.rows, row) - 1, min(self.cols, col) - 1
        elif final == "K":
            mode = numbers[0] if numbers else 0
            line = self.lines[self.row]
            span = range(self.col, self.cols) if mode == 0 else range(0, self.col + 1) if mode == 1 else range(self.cols)
            for column in span:
                if column < self.cols:
                    line[column] = " "
        elif final == "J":
            mode = numbers[0] if numbers else 0
            if mode == 0:
                self._escape("\x1b[K")
                for row in range(self.row + 1, self.rows):
                    self.lines[row] = [" "] * self.cols
            elif mode == 2:
                self.lines = [[" "] * self.cols for _ in range(self.rows)]

    def text(self):
        rendered = ["".join(line).rstrip() for line in self.lines]
        while rendered and not rendered[-1]:
            rendered.pop()
        return rendered


def main():
    spec = json.loads(sys.argv[1])
    timeout = float(spec.get("timeout", 10))
    rows, cols = int(spec.get("rows", 24)), int(spec.get("cols", 80))

    master, slave = os.openpty()
    slave_name = os.ttyname(slave)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    pid = os.fork()
    if pid == 0:
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for descriptor in (0, 1, 2):
                os.dup2(slave, descriptor)
            if slave > 2:
                os.close(slave)
            os.execvp(spec["argv"][0], spec["argv"])
        finally:
            os._exit(127)
    os.close(slave)  # so that reading the master ends when the program is gone

    def reading_keys():
        """True when the terminal is out of canonical mode: a line editor is reading keys."""
        try:
            descriptor = os.open(slave_name, os.O_RDWR | os.O_NOCTTY)
        except OSError:
            return False
        try:
            return not termios.tcgetattr(descriptor)[3] & termios.ICANON
        finally:
            os.close(descriptor)

    output = bytearray()
    closed = False

    def pump(until):
        """Reads what the program writes until `until()` holds or the deadline passes."""
        nonlocal closed
        deadline = time.monotonic() + timeout
        while not until():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or closed:
                return until()
            ready, _, _ = select.select([master], [], [], min(remaining, 0.1))
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError as error:
                    if error.errno != errno.EIO:
                        raise
                    chunk = b""
                if not chunk:
                    closed = True
                output.extend(chunk)
        return True

    def text():
        return strip(output.decode("utf-8", "replace"))

    error = None
    position = 0
    for index, step in enumerate(spec["steps"]):
        kind, argument = step[0], step[1]
        if kind == "expect":
            found = {}

            def seen():
                at = text().find(argument, position)
                if at >= 0:
                    found["end"] = at + len(argument)
                return at >= 0

            if not pump(seen):
                error = "step %d: %r did not appear within %gs" % (index, argument, timeout)
                break
            position = found["end"]
        elif kind == "screen":

            def shown():
                screen = Screen(rows, cols)
                screen.feed(output.decode("utf-8", "replace"))
                return any(argument in line for line in screen.text())

            if not pump(shown):
                error = "step %d: %r did not appear on the screen within %gs" % (index, argument, timeout)
                break
        elif kind == "send":
            if not pump(reading_keys):
                error = "step %d: the program was not reading keys within %gs" % (index, timeout)
                break
            os.write(master, argument.encode("utf-8"))
        else:
            error = "step %d: unknown step %r" % (index, kind)
            break

    def drain(wait):
        """Reads what is ready within `wait` seconds, then whatever follows at once."""
        nonlocal closed
        while not closed:
            ready, _, _ = select.select([master], [], [], wait)
            if not ready:
                return
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                closed = True
            output.extend(chunk)
            wait = 0

    status = None
    if error is None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            drain(0.05)
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(raw)
                status = 128 - code if code < 0 else code
                break
        if status is None:
            error = "the program did not exit within %gs after the last step" % timeout
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    drain(0.05)  # whatever is still buffered on the terminal
    os.close(master)

    screen = Screen(rows, cols)
    screen.feed(output.decode("utf-8", "replace"))
    json.dump({"status": status, "error": error, "transcript": text(), "screen": screen.text()}, sys.stdout)


if __name__ == "__main__":
    main()
