package energy.flexledger.client.ingest;

/**
 * Plain TCP sockets with TCP_NODELAY, for Paho's {@code tcp://} connections. With Nagle's algorithm
 * on, the last segment of a message larger than one segment (or a small PUBACK behind an unacknowledged
 * one) waits for the peer's delayed ACK, 40 ms on Linux: a latency that belongs to neither side's work.
 */
public final class NoDelaySockets extends javax.net.SocketFactory {
    private final javax.net.SocketFactory plain = javax.net.SocketFactory.getDefault();

    private static java.net.Socket noDelay(final java.net.Socket s) throws java.io.IOException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public java.net.Socket createSocket() throws java.io.IOException {
        return noDelay(plain.createSocket());
    }

    @Override
    public java.net.Socket createSocket(final String host, final int port) throws java.io.IOException {
        return noDelay(plain.createSocket(host, port));
    }

    @Override
    public java.net.Socket createSocket(final String host, final int port, final java.net.InetAddress local, final int localPort)
            throws java.io.IOException {
        return noDelay(plain.createSocket(host, port, local, localPort));
    }

    @Override
    public java.net.Socket createSocket(final java.net.InetAddress host, final int port) throws java.io.IOException {
        return noDelay(plain.createSocket(host, port));
    }

    @Override
    public java.net.Socket createSocket(final java.net.InetAddress host, final int port, final java.net.InetAddress local, final int localPort)
            throws java.io.IOException {
        return noDelay(plain.createSocket(host, port, local, localPort));
    }
}
