"""A local SMTP server that keeps nothing but a log line per message received, for the soak and fault benches.

Usage: python bench/smtp_sink.py --port 8152 --log sink.jsonl [--slow-marker lent --slow-seconds 5]
Each accepted message appends {"event": "received", "message_id", "to"} to the log, flushed at once, so that a
sink stopped and started again keeps counting. A recipient containing the slow marker is held (the RCPT answer
waits), and {"event": "holding"} is logged first: the fault bench kills a worker at that moment, in the middle of
a send.
"""

import argparse
import asyncio
import json
import signal
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, log_path: str, slow_marker: str, slow_seconds: float):
        self.log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the life of the sink
        self.slow_marker, self.slow_seconds = slow_marker, slow_seconds

    def write(self, **line) -> None:
        self.log.write(json.dumps(line) + "\n")
        self.log.flush()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.slow_marker and self.slow_marker in address:
            self.write(event="holding", to=address)
            await asyncio.sleep(self.slow_seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        self.write(event="received", message_id=message["Message-ID"], to=envelope.rcpt_tos)
        return "250 Message accepted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--slow-marker", default="")
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    args = parser.parse_args()
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    # Blocked before the server's thread starts, so that it inherits the mask and the main thread receives them.
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    controller = Controller(Sink(args.log, args.slow_marker, args.slow_seconds), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"puits SMTP prêt sur 127.0.0.1:{args.port}", flush=True)
    signal.sigwait(stop_signals)
    controller.stop()


if __name__ == "__main__":
    main()
