#!/usr/bin/env python3
"""Boot a keel ISO in QEMU: interactively (run, debug) or as a test.

Test mode (what CTest uses) boots headless with serial output captured, the
isa-debug-exit device attached (unless --no-exit-device: a real machine has
none) and -no-reboot, and decides the verdict:

  * the kernel exits QEMU through isa-debug-exit: 33 is success, 35 failure
    (--expect-exit says which one the test wants, default success);
  * boot mode (--mode boot) is for kernels that do not exit by themselves
    (keel.iso, or a CPU the boot code refuses): the test passes once every
    --expect-serial pattern has been seen, then QEMU is stopped;
  * any other exit (a triple fault ends QEMU with 0 under -no-reboot), or no
    verdict within --timeout seconds (a hung kernel), fails the test;
  * boot mode with --expect-qemu-exit: QEMU must also end by itself (a reset
    under -no-reboot, as keel's monitor command reboot does).

--serial-input types lines on COM1, one each time --serial-prompt appears
once more in the serial log (the monitor's "keel> "); backslash escapes in
them are decoded (\\x7f: DEL, the backspace of serial terminals) and Enter
(\\r) is sent after each. {last:REGEX} in a line is replaced by group 1
of the last match of REGEX in the serial log so far (an address the kernel
printed, say).

Every --expect-serial regular expression (dot matches newlines too) must
appear in the serial log. The serial log is always printed (as it arrives,
with --verbose): output that fails a test wherever it appears ("panicked
at") is CTest's FAIL_REGULAR_EXPRESSION on it (cmake/KernelProject.cmake);
in boot mode --stop-on ends the wait early when such output appears.
"""

import argparse
import codecs
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

EXIT_SUCCESS = 33  # (0x10 << 1) | 1
EXIT_FAILURE = 35  # (0x11 << 1) | 1

# What GRUB prints under its menu (on COM1 too, iso/keel.cfg).
GRUB_MENU_SHOWN = "Press enter to boot the selected OS"

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iso", required=True)
    p.add_argument("--mode", choices=["run", "debug", "test", "boot"], default="test")
    p.add_argument("--accel", default=os.environ.get("KEEL_QEMU_ACCEL", "tcg"),
                   help="tcg (default) or kvm; the KEEL_QEMU_ACCEL variable overrides")
    p.add_argument("--memory", default="128M")
    p.add_argument("--firmware", choices=["bios", "uefi"], default="bios")
    p.add_argument("--media", choices=["cd", "usb"], default="cd")
    p.add_argument("--cpu", default=None, help="QEMU -cpu model, e.g. qemu64,-lm")
    p.add_argument("--machine", default=None,
                   help="QEMU -machine, e.g. q35,i8042=off (default: pc for BIOS, q35 for UEFI)")
    p.add_argument("--display-device", metavar="DEVICE",
                   help="replace the standard VGA card by this QEMU device, e.g. bochs-display")
    p.add_argument("--no-exit-device", action="store_true",
                   help="leave out isa-debug-exit, as on a real machine (use boot mode)")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--expect-exit", choices=["success", "failure"], default="success")
    p.add_argument("--expect-serial", action="append", default=[], metavar="REGEX")
    p.add_argument("--stop-on", action="append", default=[], metavar="REGEX",
                   help="boot mode: stop waiting when this appears in the serial log")
    p.add_argument("--send-keys-after", metavar="REGEX",
                   help="when this appears on serial, type --send-keys through the monitor")
    p.add_argument("--send-keys", default="", help="space-separated QEMU key names")
    p.add_argument("--grub-entry", type=int, metavar="N",
                   help="show GRUB's hidden menu (F4, sent until the menu is on serial) and boot "
                        "its entry N (0: the first)")
    p.add_argument("--serial-input", action="append", default=[], metavar="LINE",
                   help="a line to type on COM1 after the next --serial-prompt")
    p.add_argument("--serial-prompt", default="keel> ", metavar="TEXT",
                   help="what the kernel prints when it waits for a line (default 'keel> ')")
    p.add_argument("--watch-after", type=float, default=0.0, metavar="SECONDS",
                   help="boot mode: go on reading serial this long after the expected output "
                        "(for --stop-on patterns that must not follow it)")
    p.add_argument("--expect-qemu-exit", action="store_true",
                   help="boot mode: QEMU must end by itself after the expected output")
    p.add_argument("--expect-screen", metavar="TEXT", action="append", default=[],
                   help="boot mode: TEXT must be on the screen once the serial output was seen "
                        "(may be given more than once)")
    p.add_argument("--screen", choices=["vga", "framebuffer"], default="vga",
                   help="vga: read the text buffer at 0xb8000; framebuffer: screendump + "
                        "--screen-check-tool")
    p.add_argument("--screen-check-tool", metavar="PROGRAM",
                   help="run as PROGRAM <screendump.ppm> TEXT; exit 0 if TEXT is shown")
    p.add_argument("--screendump", metavar="FILE",
                   help="also keep the screendump (PPM) in FILE")
    p.add_argument("--gdb-script", help="debug mode: gdb command file")
    p.add_argument("--verbose", action="store_true", help="echo serial output as it arrives")
    p.add_argument("--qemu", default=os.environ.get("KEEL_QEMU", "qemu-system-x86_64"))
    return p.parse_args()


def qemu_command(args, workdir, headless):
    cmd = [args.qemu, "-m", args.memory, "-no-reboot"]
    if not args.no_exit_device:
        cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if args.accel == "kvm":
        cmd += ["-accel", "kvm", "-cpu", args.cpu or "host"]
    else:
        cmd += ["-accel", "tcg"]
        if args.cpu:
            cmd += ["-cpu", args.cpu]
    if args.firmware == "uefi":
        for path in (OVMF_CODE, OVMF_VARS):
            if not os.path.exists(path):
                sys.exit(f"qemu_run: {path} is missing: install the ovmf package")
        vars_copy = os.path.join(workdir, "OVMF_VARS.fd")
        shutil.copyfile(OVMF_VARS, vars_copy)  # the firmware writes its variables
        cmd += ["-machine", args.machine or "q35",
                "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]
    elif args.machine:
        cmd += ["-machine", args.machine]
    if args.display_device:
        cmd += ["-vga", "none", "-device", args.display_device]
    if args.media == "usb":
        cmd += ["-drive", f"if=none,id=stick,format=raw,snapshot=on,file={args.iso}",
                "-device", "qemu-xhci", "-device", "usb-storage,drive=stick"]
    else:
        cmd += ["-cdrom", args.iso, "-boot", "d"]
    if headless:
        cmd += ["-display", "none"]
    return cmd


class Monitor:
    """The QEMU human monitor over a UNIX socket (sendkey, screendump)."""

    def __init__(self, path):
        self.path = path
        self.sock = None

    def connect(self, deadline):
        while time.monotonic() < deadline:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.path)
                self.sock = s
                self.sock.settimeout(5)
                self._read_until(b"(qemu)")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("cannot connect to the QEMU monitor")

    def _read_until(self, marker):
        data = b""
        while marker not in data:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data

    def command(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self._read_until(b"(qemu)")


def vga_text(monitor):
    """The 80x25 VGA text screen, read from guest memory through the monitor."""
    out = monitor.command("xp /4000xb 0xb8000").decode("ascii", "replace")
    data = bytes(int(tok, 16) for line in out.splitlines() if ":" in line
                 for tok in line.split(":", 1)[1].split() if tok.startswith("0x"))
    chars = "".join(chr(b) if 32 <= b < 127 else " " for b in data[0::2])
    return "\n".join(chars[r * 80:(r + 1) * 80] for r in range(25))


def check_screen(args, monitor, workdir):
    """Returns None if --expect-screen TEXT is on the screen, else why not."""
    dump = args.screendump or os.path.join(workdir, "screen.ppm")
    monitor.command(f"screendump {dump}")
    for text in args.expect_screen:
        reason = check_screen_text(args, monitor, dump, text)
        if reason is not None:
            return reason
    return None


def check_screen_text(args, monitor, dump, text):
    """Returns None if TEXT is on the screen, else why not."""
    if args.screen == "vga":
        screen = vga_text(monitor)
        if text in screen:
            print(f"qemu_run: {text!r} is on the VGA text screen")
            return None
        return f"{text!r} is not on the VGA text screen:\n{screen}"
    if not args.screen_check_tool or not os.path.exists(args.screen_check_tool):
        return f"screen check tool {args.screen_check_tool!r} missing (build the screen_check target)"
    check = subprocess.run([args.screen_check_tool, dump, text])
    return None if check.returncode == 0 else f"{text!r} is not on the framebuffer"


def run_test(args):
    import re

    workdir = tempfile.mkdtemp(prefix="keel-qemu-")
    monitor_path = os.path.join(workdir, "monitor.sock")
    cmd = qemu_command(args, workdir, headless=True)
    cmd += ["-serial", "stdio", "-monitor", f"unix:{monitor_path},server,nowait"]

    expect = [re.compile(e, re.S) for e in args.expect_serial]
    stop = [re.compile(e) for e in args.stop_on]
    keys_after = re.compile(args.send_keys_after) if args.send_keys_after else None

    start = time.monotonic()
    stdin = subprocess.PIPE if args.serial_input else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        return watch(args, proc, expect, stop, keys_after, monitor_path, workdir, start)
    finally:
        if proc.poll() is None:  # never leave a QEMU behind, whatever went wrong
            proc.kill()
            proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def watch(args, proc, expect, stop, keys_after, monitor_path, workdir, start):
    """Reads serial output until a verdict; returns the exit status."""
    import re
    lines = queue.Queue()

    def reader():
        # Chunks, not lines: a prompt does not end with a newline.
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        for raw in iter(lambda: os.read(proc.stdout.fileno(), 4096), b""):
            lines.put(decoder.decode(raw))
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()

    log = []
    monitor = None
    keys_sent = False
    reason = None
    deadline = start + args.timeout

    def text():
        return "".join(log).replace("\r\n", "\n")

    def all_expected_seen():
        t = text()
        return all(e.search(t) for e in expect)

    def get_monitor():
        nonlocal monitor
        if monitor is None:
            monitor = Monitor(monitor_path)
            monitor.connect(time.monotonic() + 10)
        return monitor

    typed = 0

    def serial_line(line):
        def last(match):
            found = re.findall(match.group(1), text())
            return found[-1] if found else "{nothing matched " + match.group(1) + "}"
        line = re.sub(r"\{last:(.*?)\}", last, line)
        return codecs.decode(line, "unicode_escape").encode("latin-1") + b"\r"

    def type_on_serial():
        nonlocal typed
        while typed < len(args.serial_input) and text().count(args.serial_prompt) > typed:
            proc.stdin.write(serial_line(args.serial_input[typed]))
            proc.stdin.flush()
            typed += 1

    menu_done = False
    last_f4 = 0.0

    def choose_grub_entry(mon):
        """F4 until GRUB's menu is on serial, then the entry; True once chosen."""
        nonlocal last_f4
        if GRUB_MENU_SHOWN not in text():
            if time.monotonic() - last_f4 > 0.2:
                mon.command("sendkey f4")
                last_f4 = time.monotonic()
            return False
        time.sleep(0.5)  # the F4s still on their way reach the menu, not the entry
        for _ in range(args.grub_entry):
            mon.command("sendkey down")
            time.sleep(0.1)
        mon.command("sendkey ret")
        return True

    screen_reason = None
    screen_checked = False
    watch_until = None
    stopped_by = []
    finished = False
    while not finished:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            reason = f"timeout: no verdict after {args.timeout:.0f} s (hung kernel?)"
            break
        try:
            line = lines.get(timeout=min(remaining, 0.2))
        except queue.Empty:
            line = ""
        if line is None:
            finished = True
            break
        if line:
            log.append(line)
            if args.verbose:
                sys.stdout.write(line)
                sys.stdout.flush()
        if (args.mode == "boot" and not screen_checked and (args.expect_screen or args.screendump)
                and all_expected_seen()):
            # Before any key is sent: a key may end what is on the screen.
            time.sleep(0.5)  # let the last characters reach the screen
            screen_reason = check_screen(args, get_monitor(), workdir)
            screen_checked = True
        if args.grub_entry is not None and not menu_done:
            menu_done = choose_grub_entry(get_monitor())
        if keys_after and not keys_sent and keys_after.search(text()):
            for key in args.send_keys.split():
                get_monitor().command(f"sendkey {key}")
                time.sleep(0.05)
            keys_sent = True
        if args.serial_input:
            type_on_serial()
        stopped_by = [e.pattern for e in stop if e.search(text())]
        if args.mode == "boot" and stopped_by:
            break  # the expected output will not come: no need to wait for the timeout
        if args.mode == "boot" and all_expected_seen() and not args.expect_qemu_exit:
            if args.watch_after > 0 and watch_until is None:
                watch_until = time.monotonic() + args.watch_after
            if watch_until is not None and time.monotonic() < watch_until:
                continue
            break

    if proc.poll() is None:
        proc.kill()
    code = proc.wait()
    elapsed = time.monotonic() - start
    # Drain what is left.
    while True:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            break
        if line is None:
            break
        log.append(line)
        if args.verbose:
            sys.stdout.write(line)

    t = text()
    if reason is None:
        if args.mode == "boot":
            if stopped_by:
                reason = f"stopped at {stopped_by[0]!r} in the serial log"
            elif not all_expected_seen():
                reason = f"QEMU exited (code {code}) before the expected output appeared"
            elif args.expect_qemu_exit and not finished:
                reason = "QEMU did not end by itself"
        else:
            want = EXIT_SUCCESS if args.expect_exit == "success" else EXIT_FAILURE
            if code != want:
                what = {EXIT_SUCCESS: "success (33)", EXIT_FAILURE: "failure (35)"}.get(
                    code, f"{code}: not an isa-debug-exit code (triple fault or QEMU error?)")
                reason = f"QEMU exit code {what}; wanted {args.expect_exit}"
    if reason is None:
        missing = [e.pattern for e in expect if not e.search(t)]
        if missing:
            reason = "expected serial output missing: " + "; ".join(map(repr, missing))
    if reason is None:
        reason = screen_reason
    shutil.rmtree(workdir, ignore_errors=True)

    if not args.verbose:
        sys.stdout.write("----- serial output -----\n" + t + "\n-------------------------\n")
    print(f"qemu_run: {os.path.basename(args.iso)} [{args.firmware}/{args.media}/"
          f"{args.memory}/{args.accel}] {'PASSED' if reason is None else 'FAILED: ' + reason}"
          f" in {elapsed:.1f} s")
    return 0 if reason is None else 1


def run_interactive(args):
    """run/debug: serial on this terminal; QEMU's window when there is a display."""
    import re

    workdir = tempfile.mkdtemp(prefix="keel-qemu-")
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    interactive = sys.stdin.isatty() and os.environ.get("CI") != "true"
    cmd = qemu_command(args, workdir, headless=not has_display)
    if args.mode == "debug":
        cmd += ["-s", "-S", "-serial", "stdio"]
        print("qemu_run: QEMU is paused with a gdb stub on localhost:1234.")
        print(f"qemu_run: in another terminal: gdb -x {args.gdb_script}")
        print("qemu_run: (break kernel_main, continue; quit QEMU with Ctrl-C here)")
        return subprocess.call(cmd)
    if interactive:
        print("qemu_run: serial console below; quit with Ctrl-A then X.")
        return subprocess.call(cmd + ["-serial", "mon:stdio"])
    # No terminal (CI, a pipe): boot, show the output, stop at the last line
    # (the boot figure that follows "It did not crash!").
    print("qemu_run: no terminal: booting headless until 'It did not crash!' or a panic")
    proc = subprocess.Popen(qemu_command(args, workdir, headless=True) + ["-serial", "stdio"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    done = re.compile(r"^boot: [0-9]+ TSC cycles|panicked at|boot failed")
    deadline = time.monotonic() + args.timeout
    ok = False
    survived = False
    killer = threading.Timer(args.timeout, proc.kill)
    killer.start()
    for raw in iter(proc.stdout.readline, b""):
        line = raw.decode("utf-8", "replace").replace("\r", "")
        sys.stdout.write(line)
        sys.stdout.flush()
        survived = survived or "It did not crash!" in line
        if done.search(line):
            ok = survived and line.startswith("boot: ")
            break
    killer.cancel()
    proc.kill()
    proc.wait()
    shutil.rmtree(workdir, ignore_errors=True)
    if time.monotonic() > deadline:
        print("qemu_run: timed out")
    return 0 if ok else 1


def main():
    args = parse_args()
    if not os.path.exists(args.iso):
        sys.exit(f"qemu_run: {args.iso} does not exist (build it first)")
    if shutil.which(args.qemu) is None:
        sys.exit(f"qemu_run: {args.qemu} not found: install qemu-system-x86")
    if args.mode in ("run", "debug"):
        return run_interactive(args)
    return run_test(args)


if __name__ == "__main__":
    sys.exit(main())
