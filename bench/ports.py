"""Exit 0 when every host:port given answers a TCP connection within a second."""

import socket
import sys


def reachable(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(0 if all(reachable(a) for a in sys.argv[1:]) else 1)
