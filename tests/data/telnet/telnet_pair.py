# A TELNET-like exchange on port 23 over real sockets: option negotiation (IAC DO/WILL), a
# prompt, a line, 3000 bytes echoed back. Usage: telnet_pair.py serve|connect HOST.
import socket, sys, time
ROLE, HOST = sys.argv[1], sys.argv[2]
if ROLE == 'serve':
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((HOST, 23)); s.listen(1)
    c, _ = s.accept()
    c.sendall(bytes([255, 253, 24, 255, 253, 32])); time.sleep(0.1)
    c.sendall(b'login: '); time.sleep(0.1)
    try:
        while True:
            d = c.recv(100)
            if not d: break
            c.sendall(d)
    except ConnectionResetError:
        pass
    c.close()
else:
    c = socket.create_connection((HOST, 23))
    time.sleep(0.2); c.sendall(bytes([255, 251, 24])); time.sleep(0.1); c.sendall(b'root\r\n'); time.sleep(0.1)
    c.sendall(b'x' * 3000); time.sleep(0.5); c.close()
