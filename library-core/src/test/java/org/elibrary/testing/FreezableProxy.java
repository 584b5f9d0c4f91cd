package org.elibrary.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a database server that can go silent, as a network partition or a frozen server
 * does: while frozen it holds every byte in both directions and accepts new connections without ever
 * answering them (no reset arrives). It can also hold only the server's answers from the message after one
 * that contains a marker on (a COMMIT whose answer never comes).
 */
public final class FreezableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object thawed = new Object();
    private volatile boolean frozen;
    /** Once a client has sent these bytes, the server's answers to its next message are held. */
    private volatile byte[] freezeAnswersAfter;
    private volatile boolean armed;
    private volatile boolean answersFrozen;
    private volatile boolean closed;

    /** A relay to {@code host:port} on a free loopback port. */
    public FreezableProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay to the server of a {@code jdbc:postgresql://host:port/...} URL. */
    public static FreezableProxy forPostgres(String jdbcUrl) throws IOException {
        int schemeEnd = jdbcUrl.indexOf("//") + 2;
        String hostPort = jdbcUrl.substring(schemeEnd, jdbcUrl.indexOf('/', schemeEnd));
        int colon = hostPort.lastIndexOf(':');
        return new FreezableProxy(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** {@code jdbcUrl} (a PostgreSQL URL of the relayed server) pointed at this relay instead. */
    public String relayed(String jdbcUrl) {
        int schemeEnd = jdbcUrl.indexOf("//") + 2;
        return jdbcUrl.substring(0, schemeEnd) + "127.0.0.1:" + server.getLocalPort()
                + jdbcUrl.substring(jdbcUrl.indexOf('/', schemeEnd));
    }

    /** Stops relaying in both directions, and answering new connections. */
    public void freeze() {
        frozen = true;
    }

    /** Holds the server's answers once a client has sent {@code marker} and then one more message. */
    public void freezeAnswersAfter(String marker) {
        freezeAnswersAfter = marker.getBytes(StandardCharsets.US_ASCII);
    }

    /** Relays again, what was held first. */
    public void thaw() {
        synchronized (thawed) {
            frozen = false;
            answersFrozen = false;
            armed = false;
            freezeAnswersAfter = null;
            thawed.notifyAll();
        }
    }

    private void waitWhile(boolean answers) throws InterruptedException {
        synchronized (thawed) {
            while ((frozen || answers && answersFrozen) && !closed) {
                thawed.wait(100);
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread relay = new Thread(() -> connect(client), "proxy-conn");
                relay.setDaemon(true);
                relay.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        try {
            waitWhile(false); // a new connection while frozen: accepted, never answered
            Socket upstream = new Socket(host, port);
            sockets.add(upstream);
            pump(client.getInputStream(), upstream.getOutputStream(), true);
            pump(upstream.getInputStream(), client.getOutputStream(), false);
        } catch (IOException | InterruptedException e) {
            // closed
        }
    }

    private void pump(InputStream in, OutputStream out, boolean toServer) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (toServer) {
                        waitWhile(false);
                        if (armed) {
                            answersFrozen = true; // the message after the marked one: hold its answer
                        }
                    } else {
                        waitWhile(true);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    byte[] marker = freezeAnswersAfter;
                    if (toServer && marker != null && !armed && contains(buffer, n, marker)) {
                        armed = true;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // closed
                }
            }
        }, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static boolean contains(byte[] buffer, int length, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (buffer[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        thaw();
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
